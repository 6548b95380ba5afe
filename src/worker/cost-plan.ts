/**
 * @module The cost part of a filtered cost map or endpoint cost request, shared by both routes:
 * the RFC 8189 members (`cost-type` or `multi-cost-types`, `testable-cost-types`, `constraints`,
 * `or-constraints`) validated against the resource's capabilities — the same ones the IRD
 * announces (alto/ird.ts `costServiceCapabilities`) — and resolved to the cost maps to read.
 * Every violation is an ALTO error thrown by alto/multi-cost.ts.
 */
import { calendaredFlags, calendarResponseAttributes } from '../alto/calendar.ts'
import type { CostType } from '../alto/cost-types.ts'
import { networkMapCostServiceCapabilities, type CostServiceCapabilities } from '../alto/ird.ts'
import { constraintPredicate } from '../alto/constraints.ts'
import {
  clausesPredicate,
  parseMultiCost,
  type IndexedConstraint,
  type MultiCostMembers,
} from '../alto/multi-cost.ts'
import type { CostColumns, CostLookup } from '../alto/responses.ts'
import type { CostMapEntry, Manifest } from '../store/manifest.ts'
import { costCalendar, costMatrix } from './tables.ts'

export interface CostRequestPlan {
  /** `multi-cost-types` was used: array-valued answers (RFC 8189 §4.1.3). */
  multi: boolean
  /** Cost maps of the returned cost types, in request order. */
  values: CostMapEntry[]
  /** Cost maps of the tested cost types, in `testable-cost-types` order (else `values`). */
  tests: CostMapEntry[]
  /** OR of ANDs over `tests`; `[]`: no filter. */
  clauses: IndexedConstraint[][]
  /**
   * RFC 8896, aligned with `values`: the cost map whose calendar answers that type (asked
   * `calendared` and the map has one), else null (a single value: §5.1.1 "the server MUST
   * ignore" a true flag for a type without calendar attributes).
   */
  calendars: (CostMapEntry | null)[]
}

/**
 * A value derived from an immutable manifest for one of its network maps, computed on first use
 * and kept as long as the manifest is: `cache` holds one map per manifest, keyed by network map.
 */
function perNetworkMap<T>(
  cache: WeakMap<Manifest, Map<string, T>>,
  manifest: Manifest,
  nmId: string,
  compute: () => T
): T {
  let perNm = cache.get(manifest)
  if (!perNm) cache.set(manifest, (perNm = new Map()))
  let value = perNm.get(nmId)
  if (value === undefined) perNm.set(nmId, (value = compute()))
  return value
}

/** Cost type name → cost map, per manifest and network map. */
const byTypeCache = new WeakMap<Manifest, Map<string, Map<string, CostMapEntry>>>()

export function costMapsByType(manifest: Manifest, nmId: string): Map<string, CostMapEntry> {
  return perNetworkMap(byTypeCache, manifest, nmId, () => {
    const byType = new Map<string, CostMapEntry>()
    for (const cm of Object.values(manifest['cost-maps']))
      if (cm['network-map'] === nmId) byType.set(cm['cost-type-name'], cm)
    return byType
  })
}

/** The cost services' capabilities (every request is checked against them), per manifest and network map. */
const capabilitiesCache = new WeakMap<Manifest, Map<string, CostServiceCapabilities>>()

function serviceCapabilities(manifest: Manifest, nmId: string): CostServiceCapabilities {
  return perNetworkMap(capabilitiesCache, manifest, nmId, () =>
    networkMapCostServiceCapabilities(manifest['cost-maps'], nmId)
  )
}

/**
 * Validates the cost members of a request to network map `nmId`'s filtered cost map or endpoint
 * cost service and resolves them to cost maps (compiled maps: one per (network map, cost type)).
 */
export function planCostRequest(
  manifest: Manifest,
  nmId: string,
  request: MultiCostMembers & { calendared?: boolean[] }
): CostRequestPlan {
  const capabilities = serviceCapabilities(manifest, nmId)
  const costTypes: Record<string, CostType> = manifest['cost-types']
  const plan = parseMultiCost(request, capabilities, costTypes)
  const byType = costMapsByType(manifest, nmId)
  const entry = (name: string) => byType.get(name)!
  const values = plan.types.map(entry)
  const flags = calendaredFlags(request.calendared, values.length)
  const calendars = values.map((cm, i) => (flags[i] && cm.calendar ? cm : null))
  if (calendars.some((cm) => cm !== null)) {
    // RFC 8896 §5.2.1: a calendared request "MUST NOT" carry constraints "and the ALTO server
    // MUST ignore" them; the same rule for the filtered cost map (§3.3: calendars and constraints
    // do not combine).
    return { multi: plan.multi, values, tests: values, clauses: [], calendars }
  }
  return {
    multi: plan.multi,
    values,
    tests: plan.testTypes.map(entry),
    clauses: plan.clauses,
    calendars,
  }
}

/**
 * Whether the plan is a plain RFC 7285 request: one scalar cost type, tested (if at all) only on
 * itself — answered by the single-matrix writers, `accept` being the filter on its value.
 */
export function isSingleCost(plan: CostRequestPlan): boolean {
  return (
    !plan.multi &&
    plan.tests.length === 1 &&
    plan.tests[0] === plan.values[0] &&
    plan.calendars[0] === null
  )
}

/** The plan's matrices read from KV (each distinct cost map once) as response columns. */
export async function costColumns(kv: KVNamespace, plan: CostRequestPlan): Promise<CostColumns> {
  const distinct = [...new Set([...plan.values, ...plan.tests])]
  const matrices = new Map<CostMapEntry, CostLookup>()
  const loaded = await Promise.all(distinct.map((cm) => costMatrix(kv, cm)))
  distinct.forEach((cm, i) => matrices.set(cm, loaded[i]))
  const columns: CostColumns = {
    values: plan.values.map((cm) => matrices.get(cm)!),
    costTypes: plan.values.map((cm) => cm['cost-type']),
    tests: plan.tests.map((cm) => matrices.get(cm)!),
    clauses: plan.clauses,
    multi: plan.multi,
  }
  const calendared = plan.calendars.filter((cm): cm is CostMapEntry => cm !== null)
  if (calendared.length > 0) {
    columns.calendars = await Promise.all(
      plan.calendars.map((cm) => (cm ? costCalendar(kv, cm) : null))
    )
    columns.calendarMeta = calendarResponseAttributes(
      calendared.map((cm) => ({ name: cm['cost-type-name'], timing: cm.calendar! })),
      Date.now()
    )
  }
  return columns
}

/** The filter of a {@link isSingleCost} plan as a predicate on the cost itself. */
export function singleCostAccept(plan: CostRequestPlan): (cost: number) => boolean {
  if (plan.clauses.length <= 1) return constraintPredicate(plan.clauses[0] ?? [])
  const pass = clausesPredicate(plan.clauses)
  const one = new Float64Array(1)
  return (cost) => {
    one[0] = cost
    return pass(one)
  }
}
