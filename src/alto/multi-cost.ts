/**
 * @module Multi-cost requests (RFC 8189 §4.1.2, §4.2.2): which cost types a filtered cost map or
 * endpoint cost request asks for, which it tests, and the (or-)constraints on them, validated
 * against the resource's capabilities (§4.1.1) into a {@link MultiCostPlan}.
 *
 * RFC 8189 registers no error codes: every failure is one of RFC 7285 §8.5.2's, raised with
 * {@link altoFail}. Member types (array, object, string) are checked here too, so the module is
 * safe on any parsed JSON even before the zod request schema runs.
 */
import type { CostType } from './cost-types.ts'
import { altoFail } from './errors.ts'
import type { CostServiceCapabilities } from './ird.ts'
import { constraintPredicate, parseConstraint, satisfies, type Constraint } from './constraints.ts'

/** RFC 8189 §4.1.1 FilteredCostMapCapabilities (the ECS's are identical, §4.2.1). */
export type MultiCostCapabilities = Readonly<CostServiceCapabilities>

/** One predicate `[index] op value`; `index` points into {@link MultiCostPlan.testTypes}. */
export interface IndexedConstraint extends Constraint {
  index: number
}

export interface MultiCostPlan {
  /** True when the request used `multi-cost-types` (answers are arrays, `meta.cost-type` `{}`). */
  multi: boolean
  /** IRD names of the returned cost types, in request order. */
  types: string[]
  /**
   * IRD names of the tested cost types: `testable-cost-types` when present, else `types`.
   * {@link evaluate} takes one value per entry, in this order.
   */
  testTypes: string[]
  /** OR of ANDs; `[]` means no filter (every pair passes). `constraints` becomes one AND. */
  clauses: IndexedConstraint[][]
}

/** The request members RFC 8189 §4.1.2 adds to (or changes in) ReqFilteredCostMap. */
export interface MultiCostMembers {
  'cost-type'?: unknown
  'multi-cost-types'?: unknown
  'testable-cost-types'?: unknown
  constraints?: unknown
  'or-constraints'?: unknown
}

const INDEXED = /^\s*\[(\d+)\]\s*(.*)$/s

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** Resolves a CostType member to its IRD name among `allowed`, or fails on its path. */
export function costTypeNameOf(
  value: unknown,
  field: string,
  costTypes: Readonly<Record<string, CostType>>,
  allowed: readonly string[]
): string {
  if (!isObject(value)) altoFail({ code: 'E_INVALID_FIELD_TYPE', field })
  for (const member of ['cost-mode', 'cost-metric'] as const) {
    if (value[member] === undefined)
      altoFail({ code: 'E_MISSING_FIELD', field: `${field}/${member}` })
    if (typeof value[member] !== 'string') {
      altoFail({ code: 'E_INVALID_FIELD_TYPE', field: `${field}/${member}` })
    }
  }
  const name = allowed.find(
    (n) =>
      costTypes[n]?.['cost-mode'] === value['cost-mode'] &&
      costTypes[n]?.['cost-metric'] === value['cost-metric']
  )
  if (name === undefined) {
    // As RFC 7285 §8.5.2's own example: a metric offered in another mode is an invalid mode.
    const metricOffered = allowed.some(
      (n) => costTypes[n]?.['cost-metric'] === value['cost-metric']
    )
    altoFail(
      metricOffered
        ? {
            code: 'E_INVALID_FIELD_VALUE',
            field: `${field}/cost-mode`,
            value: String(value['cost-mode']),
          }
        : {
            code: 'E_INVALID_FIELD_VALUE',
            field: `${field}/cost-metric`,
            value: String(value['cost-metric']),
          }
    )
  }
  return name
}

function costTypeList(
  value: unknown,
  field: string,
  costTypes: Readonly<Record<string, CostType>>,
  allowed: readonly string[]
): string[] {
  if (!Array.isArray(value)) altoFail({ code: 'E_INVALID_FIELD_TYPE', field })
  // §4.1.2: `CostType multi-cost-types<1..*>`, `CostType testable-cost-types<1..*>`.
  if (value.length === 0) altoFail({ code: 'E_INVALID_FIELD_VALUE', field, value: '[]' })
  return value.map((v) => costTypeNameOf(v, field, costTypes, allowed))
}

function stringList(value: unknown, field: string): string[] {
  if (!Array.isArray(value)) altoFail({ code: 'E_INVALID_FIELD_TYPE', field })
  for (const s of value)
    if (typeof s !== 'string') altoFail({ code: 'E_INVALID_FIELD_TYPE', field })
  return value as string[]
}

/**
 * Parses one predicate. RFC 8189 §4.1.2: "[##] [operator] [value]" — `[##]` is an index into
 * `testable-cost-types` (else `multi-cost-types`, else the single `cost-type`, where it must be
 * 0); when omitted it is 0. An index past the tested types is an invalid value.
 */
function parsePredicate(text: string, field: string, testCount: number): IndexedConstraint {
  const match = INDEXED.exec(text)
  const index = match ? Number(match[1]) : 0
  const constraint = parseConstraint(match ? match[2] : text)
  if (!constraint || index >= testCount) {
    altoFail({ code: 'E_INVALID_FIELD_VALUE', field, value: text })
  }
  return { index, ...constraint }
}

/**
 * Validates the multi-cost members of a request against `capabilities`; `costTypes` is the
 * IRD's `meta.cost-types` (name → CostType). Throws the RFC 7285 error for the first violation.
 */
export function parseMultiCost(
  request: MultiCostMembers,
  capabilities: MultiCostCapabilities,
  costTypes: Readonly<Record<string, CostType>>
): MultiCostPlan {
  const names = capabilities['cost-type-names']
  const maxTypes = capabilities['max-cost-types'] ?? 0
  const testableNames = capabilities['testable-cost-type-names']
  const hasMulti = request['multi-cost-types'] !== undefined
  const hasSingle = request['cost-type'] !== undefined

  // §4.1.2: "The ALTO client MUST specify either "cost-type" or "multi-cost-types", but MUST
  // NOT specify both."
  if (hasMulti && hasSingle) {
    altoFail({ code: 'E_INVALID_FIELD_VALUE', field: 'multi-cost-types', value: 'with cost-type' })
  }
  if (!hasMulti && !hasSingle) altoFail({ code: 'E_MISSING_FIELD', field: 'cost-type' })

  let types: string[]
  if (hasMulti) {
    // §4.1.2: only for a resource with "max-cost-types" > 0, and "MUST NOT contain more than
    // 'max-cost-types' elements".
    if (maxTypes <= 0) {
      altoFail({ code: 'E_INVALID_FIELD_VALUE', field: 'multi-cost-types', value: 'not supported' })
    }
    types = costTypeList(request['multi-cost-types'], 'multi-cost-types', costTypes, names)
    if (types.length > maxTypes) {
      altoFail({
        code: 'E_INVALID_FIELD_VALUE',
        field: 'multi-cost-types',
        value: `${types.length} > max-cost-types ${maxTypes}`,
      })
    }
  } else {
    types = [costTypeNameOf(request['cost-type'], 'cost-type', costTypes, names)]
  }

  // Tests are allowed on `testable-cost-type-names`, or on every name with `cost-constraints`
  // (§4.1.1); with neither, no test is allowed.
  const testable = testableNames ?? (capabilities['cost-constraints'] ? names : [])
  let testTypes = types
  if (request['testable-cost-types'] !== undefined) {
    testTypes = costTypeList(
      request['testable-cost-types'],
      'testable-cost-types',
      costTypes,
      testable
    )
  }

  const hasAnd = request.constraints !== undefined
  const hasOr = request['or-constraints'] !== undefined
  // §4.1.2: "The ALTO client MUST NOT specify both 'constraints' and 'or-constraints'."
  if (hasAnd && hasOr) {
    altoFail({ code: 'E_INVALID_FIELD_VALUE', field: 'or-constraints', value: 'with constraints' })
  }
  // §4.1.2: or-constraints only with "max-cost-types" > 0.
  if (hasOr && maxTypes <= 0) {
    altoFail({ code: 'E_INVALID_FIELD_VALUE', field: 'or-constraints', value: 'not supported' })
  }

  let clauses: IndexedConstraint[][] = []
  if (hasAnd || hasOr) {
    const field = hasAnd ? 'constraints' : 'or-constraints'
    let groups: string[][]
    if (hasAnd) {
      const and = stringList(request.constraints, field)
      groups = and.length === 0 ? [] : [and]
    } else {
      const or = request['or-constraints']
      if (!Array.isArray(or)) altoFail({ code: 'E_INVALID_FIELD_TYPE', field })
      // `JSONString or-constraints<1..*><1..*>`: neither the outer nor an inner array is empty.
      if (or.length === 0) altoFail({ code: 'E_INVALID_FIELD_VALUE', field, value: '[]' })
      groups = or.map((g) => {
        const and = stringList(g, field)
        if (and.length === 0) altoFail({ code: 'E_INVALID_FIELD_VALUE', field, value: '[]' })
        return and
      })
    }
    clauses = groups.map((g) => g.map((text) => parsePredicate(text, field, testTypes.length)))
    // Every tested type must be testable (§4.1.1); `testable-cost-types` was checked already.
    for (const clause of clauses) {
      for (const c of clause) {
        if (!testable.includes(testTypes[c.index])) {
          altoFail({ code: 'E_INVALID_FIELD_VALUE', field, value: `[${c.index}] not testable` })
        }
      }
    }
  }
  return { multi: hasMulti, types, testTypes, clauses }
}

/**
 * Whether a pair passes the plan's filter; `values[i]` is the pair's value of `testTypes[i]`.
 * A `null` value (the component is undefined for this pair, §4.1.3) satisfies no predicate on
 * it: RFC 8189 defines a test only on a cost value, so an absent value cannot pass it. [I]
 */
export function evaluate(plan: MultiCostPlan, values: readonly (number | null)[]): boolean {
  if (plan.clauses.length === 0) return true
  return plan.clauses.some((clause) =>
    clause.every((c) => {
      const v = values[c.index]
      return v !== null && v !== undefined && constraintPredicate([c])(v)
    })
  )
}

/**
 * The plan's filter over the tested values of one pair, for the response writers: `values[i]` is
 * the value of `testTypes[i]`, NaN where undefined — and NaN fails every comparison, as a null
 * fails every predicate in {@link evaluate} (the reference this is tested against).
 */
export function clausesPredicate(
  clauses: readonly (readonly IndexedConstraint[])[]
): (values: ArrayLike<number>) => boolean {
  if (clauses.length === 0) return () => true
  return (values) => {
    for (const clause of clauses) {
      let all = true
      for (const c of clause) {
        if (!satisfies(values[c.index], c)) {
          all = false
          break
        }
      }
      if (all) return true
    }
    return false
  }
}
