/**
 * @module RFC 9275 path vectors: the `array` / `ane-path` cost type (§6.5), the multipart filtered
 * cost map and endpoint cost resources' IRD vocabulary (§7.2, §7.3), and the multipart/related
 * (RFC 2387) answer: the Path Vector part and the ANE property map part (§6.6, §7.2.6, §7.3.6),
 * written as text (docs/path-vector.md).
 */
import type { CostType } from './cost-types.ts'
import { MEDIA_TYPES } from './media-types.ts'

/** §6.5: the Path Vector cost type; §8.2 names it `path-vector` in `meta.cost-types`. */
export const PATH_VECTOR_COST_TYPE: CostType = { 'cost-mode': 'array', 'cost-metric': 'ane-path' }
export const PATH_VECTOR_COST_TYPE_NAME = 'path-vector'

/** §6.4.1 / §6.4.2: the ANE property types (bare names, §6.4: they depend on no resource). */
export const MAX_RESERVABLE_BANDWIDTH = 'max-reservable-bandwidth'
export const PERSISTENT_ENTITY_ID = 'persistent-entity-id'

/**
 * §6.4: the ANE property types a PV resource can return: `max-reservable-bandwidth` always,
 * `persistent-entity-id` (§6.4.2) when its table has persistent ANEs — whose defining property
 * maps then are in `uses` (§7.2.5 / §7.3.5).
 */
export function anePropertyNames(persistent: boolean): string[] {
  return persistent ? [MAX_RESERVABLE_BANDWIDTH, PERSISTENT_ENTITY_ID] : [MAX_RESERVABLE_BANDWIDTH]
}

/** §6.4.2 / §6.2.4: `[property map id, ANE name]` of a persistent ANE entity id `P.ane:name`. */
export function splitPersistentAneId(id: string): [string, string] {
  const at = id.lastIndexOf('.ane:')
  return [id.slice(0, at), id.slice(at + '.ane:'.length)]
}

/** §7.2.1 / §7.3.1: the IRD media types of the two multipart resources. */
export const PV_MEDIA_TYPES = {
  costMap: `multipart/related;type=${MEDIA_TYPES.costMap}`,
  endpointCost: `multipart/related;type=${MEDIA_TYPES.endpointCost}`,
} as const

/** The media type an `Accept` header must admit for a PV answer (RFC 2387). */
export const MULTIPART_RELATED = 'multipart/related'

/** §6.6 PART-RESOURCE-IDs: the PV part of each resource and the property map part. */
export const PART_IDS = { costMap: 'costmap', endpointCost: 'ecs', propMap: 'propmap' } as const

/** §7.2.4 / §7.3.4 capabilities: the PV type only, no constraints, no tests (§9.2). */
export function pathVectorCapabilities(
  persistent = false,
  numeric: readonly string[] = []
): {
  'cost-type-names': string[]
  'max-cost-types'?: number
  'ane-property-names': string[]
} {
  // §7.2.4: "cost-type-names" includes the PV type; RFC 8189 multi-cost (§8.6) with the network
  // map's own cost types beside it: a path and, say, its routing cost per pair in one answer.
  return {
    'cost-type-names': [PATH_VECTOR_COST_TYPE_NAME, ...numeric],
    ...(numeric.length > 0 ? { 'max-cost-types': 1 + numeric.length } : {}),
    'ane-property-names': anePropertyNames(persistent),
  }
}

/** RFC 5322 dot-atom-text: what §6.6 allows as the DOMAIN-NAME of a Content-ID. */
const DOT_ATOM = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/

/** §6.6: the server's domain for Content-IDs; a host that is no dot-atom (an IPv6 literal) → `localhost`. */
export function contentIdDomain(hostname: string): string {
  return DOT_ATOM.test(hostname) ? hostname : 'localhost'
}

/** One ANE as the property part shows it: its name and the requested properties it has. */
export interface AneProperties {
  name: string
  maxReservableBandwidth?: number
  persistentEntityId?: string
}

/** What of each ANE the property part shows (§7.2.3 `ane-property-names`). */
export interface AneSelection {
  bandwidth: boolean
  persistent: boolean
}

export interface MultipartPathVector {
  /** Multipart boundary (RFC 2046 §5.1.1: 1–70 bchars, not occurring in the parts). */
  boundary: string
  /** §6.6 DOMAIN-NAME. */
  domain: string
  /** PART_IDS.costMap or PART_IDS.endpointCost. */
  pvPartId: string
  /** application/alto-costmap+json or application/alto-endpointcost+json. */
  pvMediaType: string
  /** The PV part's JSON text (its meta.vtag names `<resource>.<pvPartId>`). */
  pvJson: string
  /** The ANE property map part's JSON text ({@link anePropertyMapJson}). */
  propJson: string
}

/** A boundary of 32 random hex digits: cannot occur in the JSON parts by chance. */
export function randomBoundary(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16))
  return `alto-pv-${[...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')}`
}

/** §6.6 `<PART-RESOURCE-ID@DOMAIN-NAME>`. */
export const contentId = (partId: string, domain: string): string => `<${partId}@${domain}>`

/** The property map part's JSON text (RFC 9240 §7.6 with RFC 9275 §6.6's rules). */
export function anePropertyMapJson(
  dependentVtagsJson: readonly string[],
  anes: readonly AneProperties[],
  selection: AneSelection
): string {
  const entries = anes.map((ane) => {
    const props: string[] = []
    if (selection.bandwidth && ane.maxReservableBandwidth !== undefined)
      props.push(`"${MAX_RESERVABLE_BANDWIDTH}":${ane.maxReservableBandwidth}`)
    if (selection.persistent && ane.persistentEntityId !== undefined)
      props.push(`"${PERSISTENT_ENTITY_ID}":${JSON.stringify(ane.persistentEntityId)}`)
    return `${JSON.stringify(`.ane:${ane.name}`)}:{${props.join(',')}}`
  })
  return `{"meta":{"dependent-vtags":[${dependentVtagsJson.join(',')}]},"property-map":{${entries.join(',')}}}`
}

/**
 * The `Content-Type` of a PV answer: `type` (mandatory, the root part's type), `boundary`, and
 * `start` = the PV part's Content-ID (§6.6: "if present, it MUST equal"); quoted, as `/`, `<`,
 * `>` and `@` are tspecials (RFC 2045 §5.1).
 */
export function multipartContentType(
  m: Pick<MultipartPathVector, 'boundary' | 'domain' | 'pvPartId' | 'pvMediaType'>
): string {
  return `${MULTIPART_RELATED}; boundary=${m.boundary}; type="${m.pvMediaType}"; start="${contentId(m.pvPartId, m.domain)}"`
}

/** The multipart/related body: the PV part (root) first, then the property map part (§6.6). */
export function writeMultipartPathVector(m: MultipartPathVector): string {
  const dash = `--${m.boundary}`
  return (
    `${dash}\r\nContent-ID: ${contentId(m.pvPartId, m.domain)}\r\nContent-Type: ${m.pvMediaType}\r\n\r\n` +
    `${m.pvJson}\r\n` +
    `${dash}\r\nContent-ID: ${contentId(PART_IDS.propMap, m.domain)}\r\nContent-Type: ${MEDIA_TYPES.propMap}\r\n\r\n` +
    `${m.propJson}\r\n` +
    `${dash}--\r\n`
  )
}
