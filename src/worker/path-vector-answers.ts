/**
 * @module The answers of the RFC 9275 multipart filtered cost map (`POST /costmap/:nm/pv`, §7.2)
 * and multipart endpoint cost service (`POST /endpointcost/:nm/pv`, §7.3), computed from a
 * manifest and a validated request: the Path Vector part and the ANE property map part (§6.6),
 * each as JSON text, the ANEs under ephemeral names (§11). The routes and the ALTO/SSE update
 * stream (RFC 8895 §6.5 `input`, RFC 9275 §9.3) both call these, so a stream's parts are by
 * construction the parts a POST with the same input gets at that version.
 */
import type { AddressBatch } from '../alto/address-batch.ts'
import { httpFail, altoFail } from '../alto/errors.ts'
import { MEDIA_TYPES } from '../alto/media-types.ts'
import { parseMultiCost } from '../alto/multi-cost.ts'
import {
  MAX_RESERVABLE_BANDWIDTH,
  PERSISTENT_ENTITY_ID,
  PART_IDS,
  PATH_VECTOR_COST_TYPE,
  PATH_VECTOR_COST_TYPE_NAME,
  anePropertyMapJson,
  splitPersistentAneId,
  type AneProperties,
  type AneSelection,
} from '../alto/path-vector.ts'
import type {
  PathVectorCostMapRequest,
  PathVectorEndpointCostRequest,
} from '../alto/request-schemas.ts'
import { jsonNumber } from '../alto/json-text.ts'
import {
  calendarCell,
  selectPids,
  type CalendarLookup,
  type CostLookup,
} from '../alto/responses.ts'
import { pathVectorResourceCapabilities } from '../alto/ird.ts'
import { calendaredFlags, calendarResponseAttributes } from '../alto/calendar.ts'
import { resourceIds } from '../alto/resources.ts'
import type { CostMapEntry, Manifest, PathVectorEntry } from '../store/manifest.ts'
import { sha256Hex, toHex } from '../tables/bytes.ts'
import type { PathTable } from '../tables/index.ts'
import { endpointBatchesFor } from './cost-answers.ts'
import { costMapsByType } from './cost-plan.ts'
import { phaseDone } from './phases.ts'
import { networkMapVtag } from './resources.ts'
import { costCalendar, costMatrix, pathTable, pidIndexes, pidTable } from './tables.ts'

const s = JSON.stringify
const COST_TYPE_JSON = `{"cost-mode":"array","cost-metric":"ane-path"}`

export function pathVectorsOr404(manifest: Manifest, nmId: string): PathVectorEntry {
  const all = manifest['path-vectors'] ?? {}
  return (Object.hasOwn(all, nmId) ? all[nmId] : undefined) ?? httpFail({ kind: 'not-found' })
}

/** The property maps defining the table's persistent ANEs (RFC 9275 §7.2.5 / §7.3.5). */
const persistentMaps = (pv: PathVectorEntry): readonly string[] => pv['persistent-maps'] ?? []

/** What a PV request returns per pair: its cost types in request order. */
interface PathVectorCosts {
  /** RFC 8189 `multi-cost-types` was used: one array per pair. */
  multi: boolean
  /** Per returned type, in request order: the path (`null`) or the cost map of a scalar type. */
  types: (CostMapEntry | null)[]
  /**
   * RFC 8896 / RFC 9275 §9.4, aligned with `types`: the type is answered as a calendar (asked
   * `calendared` and its table has one; §5.1.1: a true flag for a type without calendar
   * attributes is ignored, a single value answered).
   */
  calendared: boolean[]
  selection: AneSelection
}

/**
 * The cost members held to the PV resource's capabilities (§7.2.4: the PV type and, for RFC
 * 8189 multi-cost (§8.6), the network map's cost types; `cost-constraints` false, nothing
 * testable) and `ane-property-names` to its `ane-property-names` (§7.2.3: each entry MUST be one
 * of them; absent: an empty list). Returns the types to answer and the ANE properties asked.
 */
function checkPathVectorRequest(
  manifest: Manifest,
  nmId: string,
  request: Parameters<typeof parseMultiCost>[0] & {
    'ane-property-names'?: string[]
    calendared?: boolean[]
  },
  pv: PathVectorEntry
): PathVectorCosts {
  const byType = costMapsByType(manifest, nmId)
  const capabilities = pathVectorResourceCapabilities(manifest, nmId)
  const plan = parseMultiCost(request, capabilities, {
    ...manifest['cost-types'],
    [PATH_VECTOR_COST_TYPE_NAME]: PATH_VECTOR_COST_TYPE,
  })
  const names = request['ane-property-names'] ?? []
  const offered = capabilities['ane-property-names']
  for (const name of names)
    if (!offered.includes(name))
      altoFail({ code: 'E_INVALID_FIELD_VALUE', field: 'ane-property-names', value: name })
  const types = plan.types.map((name) =>
    name === PATH_VECTOR_COST_TYPE_NAME ? null : byType.get(name)!
  )
  const flags = calendaredFlags(request.calendared, types.length)
  return {
    multi: plan.multi,
    types,
    calendared: types.map(
      (cm, i) => flags[i] && (cm === null ? pv.calendar : cm.calendar) !== undefined
    ),
    selection: {
      bandwidth: names.includes(MAX_RESERVABLE_BANDWIDTH),
      persistent: names.includes(PERSISTENT_ENTITY_ID),
    },
  }
}

/**
 * §7.2.6 / §7.3.6: with `persistent-entity-id` requested, the property part's dependent-vtags
 * also hold "the version tags of the dependent resources that may expose the entities in the
 * response": the property maps (in `uses` order) defining the persistent ANEs it shows.
 */
function persistentVtagsJson(
  manifest: Manifest,
  pv: PathVectorEntry,
  anes: readonly AneProperties[],
  selection: AneSelection
): string[] {
  if (!selection.persistent) return []
  const shown = new Set<string>()
  for (const ane of anes)
    if (ane.persistentEntityId !== undefined)
      shown.add(splitPersistentAneId(ane.persistentEntityId)[0])
  const maps = manifest['property-maps'] ?? {}
  return persistentMaps(pv)
    .filter((id) => shown.has(id) && Object.hasOwn(maps, id))
    .map((id) => s({ 'resource-id': id, tag: maps[id].tag }))
}

/**
 * RFC 9275 §5.1.2 / §11: ephemeral ANE names. The answer never shows the source's ANE names
 * (they can reveal the operator's topology): each ANE of the answer is named `ANE<k>`, k its
 * rank of first appearance in the answer (the §7.2.6 / §7.3.6 examples' `ANE1` scheme). The
 * name is thus a function of the answer's own content — of nothing the answer does not already
 * show — the same in both parts of one answer, and the same for the same request at the same
 * version (deterministic: cacheable, and patches of an update stream stay small), while the
 * same ANE gets different names in answers to different requests (§11: "a different ephemeral
 * ANE name ... for different requests"). A persistent ANE is still identified through
 * `persistent-entity-id` (§6.4.2).
 */
export const ephemeralAneName = (rank: number): string => `ANE${rank}`

/**
 * How the ephemeral names of a POST answer are chosen (`ALTO_PV_ANE_NAMES`): `ranked` (the
 * default, above) or `random` — §11: "A RECOMMENDED assignment strategy is to generate ANE names
 * from random numbers", so that the same entity gets another name in every answer, also to
 * another client asking the same question. A random name is `ANE` and 16 hex digits (64 random
 * bits; PIDName syntax, §6.1), distinct within the answer. Update streams keep ranked names:
 * they compare an answer with the previous one, and random names would change every path of
 * every event.
 */
export type AneNaming = 'ranked' | 'random'

/** Values of `ALTO_PV_ANE_NAMES` already warned about (once per isolate each). */
const warnedNamings = new Set<string>()

/**
 * `ALTO_PV_ANE_NAMES` read once per request: `random`, else the default `ranked`. A value that
 * is neither (a typo of a privacy switch) is logged once, so the operator sees that the names
 * are ranked; the answer still uses ranked names, as for every other var's invalid value.
 */
export const aneNamingOf = (value: string | undefined): AneNaming => {
  const v = value?.trim().toLowerCase() ?? ''
  if (v === 'random') return 'random'
  if (v !== '' && v !== 'ranked' && !warnedNamings.has(v)) {
    warnedNamings.add(v)
    console.warn(
      `alto-edge: ALTO_PV_ANE_NAMES=${JSON.stringify(value)} is neither "ranked" nor "random": path-vector answers use ranked ANE names`
    )
  }
  return 'ranked'
}

const randomAneNames = (): ((rank: number) => string) => {
  const used = new Set<string>()
  const bytes = new Uint8Array(8)
  return () => {
    for (;;) {
      crypto.getRandomValues(bytes)
      const name = `ANE${toHex(bytes)}`
      if (!used.has(name)) {
        used.add(name)
        return name
      }
    }
  }
}

/** Collects the ANEs of the returned paths, in first-use order, under their ephemeral names. */
class AneCollector {
  readonly table: PathTable
  /** Per ANE index: its ephemeral name as JSON text once used, else undefined. */
  private readonly nameJson: (string | undefined)[]
  /** The ephemeral names given, in first-use order. */
  private readonly names: string[] = []
  private readonly nameFor: (rank: number) => string
  readonly order: number[] = []
  constructor(table: PathTable, naming: AneNaming) {
    this.table = table
    this.nameJson = new Array<string | undefined>(table.aneCount)
    this.nameFor = naming === 'random' ? randomAneNames() : ephemeralAneName
  }
  /** The path's JSON array text, its ANEs noted. */
  pathJson(path: ArrayLike<number>): string {
    let text = '['
    for (let k = 0; k < path.length; k++) {
      const i = path[k]
      let name = this.nameJson[i]
      if (name === undefined) {
        this.order.push(i)
        const given = this.nameFor(this.order.length)
        this.names.push(given)
        name = this.nameJson[i] = `"${given}"`
      }
      text += k === 0 ? name : `,${name}`
    }
    return `${text}]`
  }
  /** The ANEs shown, in first-use order, each under its ephemeral name. */
  anes(): AneProperties[] {
    return this.order.map((i, k) => ({ ...this.table.ane(i), name: this.names[k] }))
  }
}

/** A validated PV request of network map `nmId` (§7.2.3 / §7.3.3). */
export type PathVectorPlan = {
  nmId: string
  /** The PV resource's id (`<nm>-costmap-pv` / `<nm>-endpoint-cost-pv`). */
  rid: string
  pv: PathVectorEntry
  /** The cost types to answer and the ANE properties asked for. */
  costs: PathVectorCosts
} & (
  | { kind: 'costmap'; pids: { srcs?: string[]; dsts?: string[] } | undefined }
  | { kind: 'ecs'; srcs: AddressBatch; dsts: AddressBatch }
)

/** Throws the request's ALTO error (or 404 without a path table) when it is not valid. */
export function planPathVectorCostMap(
  manifest: Manifest,
  nmId: string,
  request: PathVectorCostMapRequest
): PathVectorPlan {
  const pv = pathVectorsOr404(manifest, nmId)
  const costs = checkPathVectorRequest(manifest, nmId, request, pv)
  const rid = resourceIds.pathVectorCostMap(nmId)
  return { kind: 'costmap', nmId, rid, pv, costs, pids: request.pids }
}

/**
 * Throws the request's ALTO error (or 404) when it is not valid. `client` is the requesting
 * client's typed address, which stands for an empty `srcs` or `dsts` (RFC 7285 §11.5.1.3).
 */
export function planPathVectorEndpointCost(
  manifest: Manifest,
  nmId: string,
  request: PathVectorEndpointCostRequest,
  client: string | null
): PathVectorPlan {
  const pv = pathVectorsOr404(manifest, nmId)
  const costs = checkPathVectorRequest(manifest, nmId, request, pv)
  const { srcs, dsts } = endpointBatchesFor(client, request.endpoints)
  const rid = resourceIds.pathVectorEndpointCost(nmId)
  return { kind: 'ecs', nmId, rid, pv, costs, srcs, dsts }
}

/** Where one returned cost type's values come from. */
type Column =
  | { kind: 'path' }
  | { kind: 'path-calendar'; t: PathTable }
  | { kind: 'cost'; m: CostLookup }
  | { kind: 'cost-calendar'; cal: CalendarLookup; buffer: Float64Array }

/** The two parts of a PV answer (§6.6), JSON texts; the PV part is the root. */
export interface PathVectorAnswer {
  /** PART_IDS.costMap or PART_IDS.endpointCost. */
  pvPartId: string
  /** application/alto-costmap+json or application/alto-endpointcost+json. */
  pvMediaType: string
  pvJson: string
  /** The ANE property map part (application/alto-propmap+json, PART_IDS.propMap). */
  propJson: string
}

/** The answer to `plan` at `manifest`'s version. */
export async function pathVectorAnswer(
  kv: KVNamespace,
  manifest: Manifest,
  plan: PathVectorPlan,
  naming: AneNaming = 'ranked'
): Promise<PathVectorAnswer> {
  const { nmId, rid, pv, costs } = plan
  const { selection } = costs
  const nm = manifest['network-maps'][nmId]
  const [table, columns] = await Promise.all([
    pathTable(kv, pv.table),
    Promise.all(
      costs.types.map((cm, i): Promise<Column> => {
        const calendared = costs.calendared[i]
        if (cm === null)
          return calendared
            ? pathTable(kv, pv.calendar!.table).then((t) => ({ kind: 'path-calendar', t }))
            : Promise.resolve({ kind: 'path' })
        return calendared
          ? costCalendar(kv, cm).then((cal) => ({
              kind: 'cost-calendar',
              cal,
              buffer: new Float64Array(cal.intervals),
            }))
          : costMatrix(kv, cm).then((m) => ({ kind: 'cost', m }))
      })
    ),
  ])
  const anes = new AneCollector(table, naming)
  /** The pair's value in one column; 'null' when it has none. */
  const component = (col: Column, src: number, dst: number): string => {
    switch (col.kind) {
      case 'path': {
        const path = table.path(src, dst)
        return path === null ? 'null' : anes.pathJson(path)
      }
      case 'cost': {
        const cost = col.m.row(src).get(dst)
        return cost === cost ? jsonNumber(cost) : 'null'
      }
      case 'path-calendar': {
        // RFC 9275 §9.4: "the k-th Path Vector refers to the abstract network paths traversed in
        // the k-th time interval"; an interval without a path is null, as an RFC 8896 interval
        // without a value.
        let text = '['
        let any = false
        for (let k = 0; k < col.t.intervals; k++) {
          const path = col.t.path(src, dst, k)
          if (k > 0) text += ','
          if (path === null) text += 'null'
          else {
            text += anes.pathJson(path)
            any = true
          }
        }
        return any ? `${text}]` : 'null'
      }
      case 'cost-calendar':
        return calendarCell(col.cal, src, dst, col.buffer) ?? 'null'
    }
  }
  /** The pair's value: the path, a cost, or (multi-cost) the array of them; null: none at all. */
  const cell = (src: number, dst: number): string | null => {
    let any = false
    const parts: string[] = []
    for (const col of columns) {
      const v = component(col, src, dst)
      any ||= v !== 'null'
      parts.push(v)
    }
    if (!any) return null
    return costs.multi ? `[${parts.join(',')}]` : parts[0]
  }
  const rows: string[] = []
  let pvPartId: string
  let pvMediaType: string
  let member: string
  if (plan.kind === 'costmap') {
    const pids = await pidTable(kv, nm)
    // RFC 7285 §11.3.2.3: unknown PIDs are dropped; a list left empty (or absent) means all PIDs.
    const srcs = selectPids(pids, plan.pids?.srcs)
    const dsts = selectPids(pids, plan.pids?.dsts)
    for (const src of srcs) {
      const cells: string[] = []
      for (const dst of dsts) {
        const v = cell(src, dst)
        if (v !== null) cells.push(`${s(pids.names[dst])}:${v}`)
      }
      if (cells.length > 0) rows.push(`${s(pids.names[src])}:{${cells.join(',')}}`)
    }
    pvPartId = PART_IDS.costMap
    pvMediaType = MEDIA_TYPES.costMap
    member = 'cost-map'
  } else {
    const pidsOf = await pidIndexes(kv, nm)
    const { srcs, dsts } = plan
    const srcPids = pidsOf(srcs)
    const dstPids = pidsOf(dsts)
    // Batch texts are distinct (RFC 7285 §11.5.1.3 duplicates count once) and need no escape.
    for (let i = 0; i < srcs.count; i++) {
      if (srcPids[i] < 0) continue
      const cells: string[] = []
      for (let j = 0; j < dsts.count; j++) {
        if (dstPids[j] < 0) continue
        const v = cell(srcPids[i], dstPids[j])
        if (v !== null) cells.push(`${s(dsts.texts[j])}:${v}`)
      }
      if (cells.length > 0) rows.push(`${s(srcs.texts[i])}:{${cells.join(',')}}`)
    }
    pvPartId = PART_IDS.endpointCost
    pvMediaType = MEDIA_TYPES.endpointCost
    member = 'endpoint-cost-map'
  }
  phaseDone('lookup')
  // §6.6: meta.vtag `<resource>.<part>`; dependent-vtags: exactly the network map's vtag. With
  // cost maps beside the paths (§8.6) the tag also moves with theirs.
  // A calendared cost map's cells are not in its tag (the GET map has none): its calendar
  // table's hash joins the answer's.
  const scalar = costs.types.flatMap((cm, i) =>
    cm === null ? [] : [costs.calendared[i] ? `${cm.tag} ${cm.calendar!.table.sha256}` : cm.tag]
  )
  const tag = scalar.length === 0 ? pv.tag : await sha256Hex([pv.tag, ...scalar].join('\n'))
  const pvVtagJson = s({ 'resource-id': `${rid}.${pvPartId}`, tag })
  const typeJson = (cm: CostMapEntry | null) =>
    cm === null
      ? COST_TYPE_JSON
      : s({
          'cost-mode': cm['cost-type']['cost-mode'],
          'cost-metric': cm['cost-type']['cost-metric'],
        })
  // RFC 8189 §4.1.3 / §4.2.3: a multi-cost answer has `"cost-type":{}` and the types as asked.
  // RFC 8896 §5.1.2 / §5.2.2: `calendar-response-attributes` when a type is calendared.
  const calendared = costs.types.flatMap((cm, i) =>
    costs.calendared[i]
      ? [
          cm === null
            ? { name: PATH_VECTOR_COST_TYPE_NAME, timing: pv.calendar! }
            : { name: cm['cost-type-name'], timing: cm.calendar! },
        ]
      : []
  )
  const calendarMeta =
    calendared.length > 0
      ? `,"calendar-response-attributes":${calendarResponseAttributes(calendared, Date.now())}`
      : ''
  const costMeta =
    (costs.multi
      ? `"cost-type":{},"multi-cost-types":[${costs.types.map(typeJson).join(',')}]`
      : `"cost-type":${typeJson(costs.types[0])}`) + calendarMeta
  const pvJson =
    `{"meta":{"vtag":${pvVtagJson},"dependent-vtags":[${s(networkMapVtag(manifest, nmId))}],` +
    `${costMeta}},"${member}":{${rows.join(',')}}}`
  const shown = anes.anes()
  const propJson = anePropertyMapJson(
    [pvVtagJson, ...persistentVtagsJson(manifest, pv, shown, selection)],
    shown,
    selection
  )
  return { pvPartId, pvMediaType, pvJson, propJson }
}
