/**
 * @module Request bodies of the POST resources (RFC 7285 §11.3.1.3, §11.3.2.3, §11.4.1.3,
 * §11.5.1.3) as zod schemas, and the ONE place where JSON parse and validation failures become
 * ALTO errors (§8.5.2).
 *
 * Objects are not strict: "ALTO implementations MUST ignore unknown fields when processing ALTO
 * messages" (§8.3.7); zod's default object drops unknown keys. `description` of a cost type is
 * not declared at all: "the ALTO server MUST ignore" it (§10.7) — even a wrongly typed one.
 *
 * Mapping of zod issues (first issue wins: "exactly one error", §8.5.2):
 * - body not a JSON text → `E_SYNTAX` with `syntax-error`; body not an object → `E_SYNTAX`;
 * - a JSON text nested deeper than {@link MAX_JSON_DEPTH}, or an object with two members of the
 *   same name → `E_SYNTAX` (RFC 8259 §4: "The names within an object SHOULD be unique ... the
 *   behavior of software that receives such an object is unpredictable"; §9 allows a depth
 *   limit). A duplicate is refused rather than resolved last-wins, so a request means the same
 *   to every parser on its path;
 * - required field absent → `E_MISSING_FIELD`, `field` = full path (`cost-type/cost-metric`);
 * - wrong JSON type → `E_INVALID_FIELD_TYPE`, `field`;
 * - wrong element of an array (e.g. a number in `pids`) → `E_INVALID_FIELD_VALUE` with `field` =
 *   the array and `value` = the element as a string (§8.5.2: "If the invalid value is an element
 *   of an array, the field is the name of the array");
 * - list too long / empty where `<1..*>` → `E_INVALID_FIELD_VALUE` on the list.
 */
import * as z from 'zod'
import { errorValueString, type AltoError } from './errors.ts'
import { JSON_CHAR } from './json-text.ts'
import {
  MAX_CONSTRAINTS,
  MAX_COST_TYPES,
  MAX_JSON_DEPTH,
  MAX_LIST_ENTRIES,
  MAX_PROPERTIES,
} from './limits.ts'

const list = (max: number) => z.array(z.string()).max(max)

/** CostType (§10.7) as a request member: `description` ignored. */
const costType = z.object({ 'cost-mode': z.string(), 'cost-metric': z.string() })

/** §11.3.1.3 ReqFilteredNetworkMap: `pids<0..*>`, `[address-types<0..*>]`. */
export const filteredNetworkMapRequest = z.object({
  pids: list(MAX_LIST_ENTRIES),
  'address-types': list(MAX_LIST_ENTRIES).optional(),
})

/**
 * The cost members of ReqFilteredCostMap and ReqEndpointCostMap, RFC 7285 §11.3.2.3 as extended
 * by RFC 8189 §4.1.2 / §4.2.2: `[cost-type]`, `[multi-cost-types<1..*>]`,
 * `[testable-cost-types<1..*>]`, `[constraints<0..*>]`, `[or-constraints<1..*><1..*>]`. Only the
 * shape is checked here; which members may appear together, against which capabilities, and the
 * predicate syntax are multi-cost.ts's (`cost-type` is optional in the schema because
 * `multi-cost-types` may replace it; a request with neither is `E_MISSING_FIELD` `cost-type`).
 */
const costMembers = {
  'cost-type': costType.optional(),
  'multi-cost-types': z.array(costType).min(1).max(MAX_COST_TYPES).optional(),
  'testable-cost-types': z.array(costType).min(1).max(MAX_COST_TYPES).optional(),
  constraints: list(MAX_CONSTRAINTS).optional(),
  'or-constraints': z.array(list(MAX_CONSTRAINTS).min(1)).min(1).max(MAX_CONSTRAINTS).optional(),
  // RFC 8896 §5.1.1 / §5.2.1: one flag per returned cost type (length checked in calendar.ts).
  calendared: z.array(z.boolean()).min(1).max(MAX_COST_TYPES).optional(),
}

/** §11.3.2.3 ReqFilteredCostMap (+ RFC 8189 §4.1.2): the cost members and `[pids {srcs, dsts}]`. */
export const filteredCostMapRequest = z.object({
  ...costMembers,
  pids: z
    .object({ srcs: list(MAX_LIST_ENTRIES).optional(), dsts: list(MAX_LIST_ENTRIES).optional() })
    .optional(),
})

/** §11.4.1.3 ReqEndpointProp: `properties<1..*>`, `endpoints<1..*>`. */
export const endpointPropertyRequest = z.object({
  properties: list(MAX_PROPERTIES).min(1),
  endpoints: list(MAX_LIST_ENTRIES).min(1),
})

/** §11.5.1.3 ReqEndpointCostMap (+ RFC 8189 §4.2.2): the cost members, `endpoints {[srcs], [dsts]}`. */
export const endpointCostRequest = z.object({
  ...costMembers,
  endpoints: z.object({
    srcs: list(MAX_LIST_ENTRIES).optional(),
    dsts: list(MAX_LIST_ENTRIES).optional(),
  }),
})

/**
 * RFC 9275 §7.2.3 / §7.3.3: ReqFilteredCostMap and ReqEndpointCostMap with
 * `[EntityPropertyName ane-property-names<0..*>;]` (absent: an empty list).
 */
const aneProperties = { 'ane-property-names': list(MAX_PROPERTIES).optional() }
export const pathVectorCostMapRequest = filteredCostMapRequest.extend(aneProperties)
export const pathVectorEndpointCostRequest = endpointCostRequest.extend(aneProperties)

/** RFC 9240 §8.3 ReqFilteredPropertyMap: `entities<0..*>`, `[properties<0..*>]`. */
export const filteredPropertyMapRequest = z.object({
  entities: list(MAX_LIST_ENTRIES),
  properties: list(MAX_PROPERTIES).optional(),
})

export type FilteredNetworkMapRequest = z.infer<typeof filteredNetworkMapRequest>
export type FilteredCostMapRequest = z.infer<typeof filteredCostMapRequest>
export type EndpointPropertyRequest = z.infer<typeof endpointPropertyRequest>
export type EndpointCostRequest = z.infer<typeof endpointCostRequest>
export type PathVectorCostMapRequest = z.infer<typeof pathVectorCostMapRequest>
export type PathVectorEndpointCostRequest = z.infer<typeof pathVectorEndpointCostRequest>
export type FilteredPropertyMapRequest = z.infer<typeof filteredPropertyMapRequest>

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: AltoError }

/** `cost-type/cost-metric`: the full path of a field, array indexes left out. */
function fieldPath(path: readonly PropertyKey[]): string {
  return path.filter((segment) => typeof segment === 'string').join('/')
}

/** Maps one zod issue to the ALTO error it stands for (see the module comment). */
export function altoErrorFromIssue(issue: z.core.$ZodIssue): AltoError {
  const field = fieldPath(issue.path)
  const last = issue.path[issue.path.length - 1]
  const hasInput = 'input' in issue && issue.input !== undefined
  if (issue.path.length === 0) {
    return { code: 'E_SYNTAX', syntaxError: 'the request body must be a JSON object' }
  }
  if (typeof last === 'number') {
    return {
      code: 'E_INVALID_FIELD_VALUE',
      field,
      value: errorValueString(hasInput ? issue.input : null),
    }
  }
  if (issue.code === 'invalid_type') {
    return hasInput ? { code: 'E_INVALID_FIELD_TYPE', field } : { code: 'E_MISSING_FIELD', field }
  }
  if (issue.code === 'too_big' && Array.isArray(issue.input)) {
    return {
      code: 'E_INVALID_FIELD_VALUE',
      field,
      value: `${issue.input.length} entries; at most ${String(issue.maximum)} are served per request`,
    }
  }
  return {
    code: 'E_INVALID_FIELD_VALUE',
    field,
    value: errorValueString(hasInput ? issue.input : null),
  }
}

const { QUOTE, BACKSLASH, COMMA, OPEN_OBJECT, CLOSE_OBJECT, OPEN_ARRAY, CLOSE_ARRAY } = JSON_CHAR

/**
 * One linear pass over a VALID JSON text (JSON.parse accepted it): the first structural problem
 * JSON.parse does not report — nesting deeper than `maxDepth`, or a repeated member name in one
 * object (names compared after unescaping, so `"a"` and `"\u0061"` collide) — or null.
 * Iterative (an explicit stack), so depth costs no call stack.
 */
export function jsonStructureProblem(text: string, maxDepth: number): string | null {
  // One entry per open container: the member names seen so far (object) or null (array).
  const open: (Set<string> | null)[] = []
  let nextStringIsName = false
  let i = 0
  while (i < text.length) {
    const c = text.charCodeAt(i)
    if (c === QUOTE) {
      const start = i
      // The closing quote: the next '"' not escaped (preceded by an even run of backslashes).
      // indexOf runs natively, so a request's long address lists cost little here.
      let end = text.indexOf('"', i + 1)
      for (;;) {
        let k = end - 1
        while (text.charCodeAt(k) === BACKSLASH) k--
        if ((end - 1 - k) % 2 === 0) break
        end = text.indexOf('"', end + 1)
      }
      i = end + 1
      if (nextStringIsName) {
        const raw = text.slice(start, i)
        const escaped = raw.includes('\\')
        const name = escaped ? (JSON.parse(raw) as string) : raw.slice(1, -1)
        const names = open[open.length - 1]!
        if (names.has(name))
          return `duplicate member name ${errorValueString(JSON.stringify(name))}`
        names.add(name)
        nextStringIsName = false
      }
      continue
    }
    if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      open.push(c === OPEN_OBJECT ? new Set() : null)
      if (open.length > maxDepth) return `JSON nested deeper than ${maxDepth} levels`
      nextStringIsName = c === OPEN_OBJECT
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      open.pop()
      nextStringIsName = false
    } else if (c === COMMA) {
      nextStringIsName = open[open.length - 1] instanceof Set
    }
    i++
  }
  return null
}

/**
 * Parses a request body text as JSON (RFC 8259), or reports `E_SYNTAX` (§8.5.2) — also for the
 * structural limits of {@link jsonStructureProblem}.
 */
export function parseJsonText(text: string): Parsed<unknown> {
  let value: unknown
  try {
    value = JSON.parse(text) as unknown
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error)
    return {
      ok: false,
      error: { code: 'E_SYNTAX', syntaxError: `invalid JSON: ${errorValueString(detail)}` },
    }
  }
  const problem = jsonStructureProblem(text, MAX_JSON_DEPTH)
  if (problem) return { ok: false, error: { code: 'E_SYNTAX', syntaxError: problem } }
  return { ok: true, value }
}

/** Parses and validates a request body against a schema; failures become one ALTO error. */
export function parseRequestBody<T>(schema: z.ZodType<T>, text: string): Parsed<T> {
  const json = parseJsonText(text)
  if (!json.ok) return json
  return validateRequest(schema, json.value)
}

/**
 * The string lists of each schema that may be long (addresses, PIDs): checked in one pass by
 * {@link validateRequest} instead of element by element by zod.
 */
const LONG_LISTS = new Map<z.ZodType, readonly (readonly [string, string?])[]>([
  [filteredNetworkMapRequest, [['pids']]],
  [
    filteredCostMapRequest,
    [
      ['pids', 'srcs'],
      ['pids', 'dsts'],
    ],
  ],
  [
    pathVectorCostMapRequest,
    [
      ['pids', 'srcs'],
      ['pids', 'dsts'],
    ],
  ],
  [
    pathVectorEndpointCostRequest,
    [
      ['endpoints', 'srcs'],
      ['endpoints', 'dsts'],
    ],
  ],
  [endpointPropertyRequest, [['endpoints']]],
  [filteredPropertyMapRequest, [['entities']]],
  [
    endpointCostRequest,
    [
      ['endpoints', 'srcs'],
      ['endpoints', 'dsts'],
    ],
  ],
])

/** Stands in for a well-formed long list while zod checks the rest (valid for every list). */
const PLACEHOLDER_LIST: readonly string[] = ['']

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** A non-empty array of at most MAX_LIST_ENTRIES strings: no zod issue can come from it. */
function wellFormedList(v: unknown): v is string[] {
  if (!Array.isArray(v) || v.length === 0 || v.length > MAX_LIST_ENTRIES) return false
  for (let i = 0; i < v.length; i++) if (typeof v[i] !== 'string') return false
  return true
}

/** The request schemas with the RFC 8189 cost members. */
const COST_REQUESTS: ReadonlySet<z.ZodType> = new Set<z.ZodType>([
  filteredCostMapRequest,
  endpointCostRequest,
  pathVectorCostMapRequest,
  pathVectorEndpointCostRequest,
])

/**
 * RFC 8896 §5.2.4's example request carries `"cost-type": {}` next to `multi-cost-types` (the
 * empty cost type RFC 8189 §4.1.3 puts in the answer's meta for RFC 7285 clients). RFC 8189
 * §4.1.2 says a client "MUST NOT specify both"; an empty object specifies no cost type, so it is
 * read as absent — only beside `multi-cost-types`: alone it is still a cost type missing its
 * members. Any other `cost-type` with `multi-cost-types` stays an error (multi-cost.ts).
 */
function withoutEmptyCostType(value: unknown): unknown {
  if (!isObject(value) || value['multi-cost-types'] === undefined) return value
  const single = value['cost-type']
  if (!isObject(single) || Object.keys(single).length > 0) return value
  const copy: Record<string, unknown> = { ...value }
  delete copy['cost-type']
  return copy
}

/**
 * Validates a parsed JSON value against a schema; the first issue becomes the ALTO error.
 *
 * Hot path (`onePass`, the default): each long list of the schema ({@link LONG_LISTS}) that is
 * well formed — an array of 1 to MAX_LIST_ENTRIES strings, which no rule of any schema here
 * refuses — is replaced by a one-string placeholder in a shallow copy before zod runs, and put
 * back in zod's result after. A well-formed list yields no issue, so zod's issues (and the first
 * one, the error) are exactly those of the original value; a list that is not well formed is left
 * in place for zod to report. request-schemas.test.ts compares both paths on random documents.
 */
export function validateRequest<T>(
  schema: z.ZodType<T>,
  value: unknown,
  opts: { onePass?: boolean } = {}
): Parsed<T> {
  const lists = opts.onePass === false ? undefined : LONG_LISTS.get(schema)
  const restore: [string, string | undefined, string[]][] = []
  let input = value
  if (lists && isObject(value)) {
    const copy: Record<string, unknown> = { ...value }
    for (const [outer, inner] of lists) {
      if (inner === undefined) {
        const list = copy[outer]
        if (wellFormedList(list)) {
          copy[outer] = PLACEHOLDER_LIST
          restore.push([outer, undefined, list])
        }
      } else {
        const parent = copy[outer]
        if (!isObject(parent)) continue
        const list = parent[inner]
        if (!wellFormedList(list)) continue
        copy[outer] = { ...parent, [inner]: PLACEHOLDER_LIST }
        restore.push([outer, inner, list])
      }
    }
    input = copy
  }
  if (COST_REQUESTS.has(schema)) input = withoutEmptyCostType(input)
  const result = schema.safeParse(input, { reportInput: true })
  if (!result.success) return { ok: false, error: altoErrorFromIssue(result.error.issues[0]) }
  const data = result.data as Record<string, Record<string, unknown>>
  for (const [outer, inner, list] of restore) {
    if (inner === undefined) (data as Record<string, unknown>)[outer] = list
    else data[outer][inner] = list
  }
  return { ok: true, value: result.data }
}
