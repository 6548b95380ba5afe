/**
 * @module CDNI Footprint & Capabilities Advertisement (RFC 9241): the vocabulary shared by the
 * compiler (operator sources) and the Worker (the filtered advertisement, §5).
 *
 * - Capability types and their `capability-value` shapes are RFC 8008's initial FCI payload types
 *   (§5.3–§5.7), the ones RFC 9241 §3.6 requires a server to provide; each has a check
 *   ("consistent with capability-type", RFC 9241 §5.6) and the §5.6 match rule ("all the mandatory
 *   properties in its capability-value is a superset of mandatory properties in capability-value
 *   of X semantically").
 * - Footprint types are RFC 8006's four (§4.2.2.2, values §4.3.5–§4.3.8) plus RFC 9241's `altopid`
 *   (§4.1), whose values are PID names of the network map the resource `uses`.
 * - One renderer writes every advertisement body, so a filter that selects everything (§5.3:
 *   "If this list is empty, the ALTO server MUST interpret it as a request for the full CDNI
 *   Advertisement resource") answers the very bytes of the GET resource.
 */
import * as z from 'zod'
import { maskWords, parseAddress, parsePrefix } from '../tables/index.ts'
import { errorValueString, type AltoError } from './errors.ts'
import { MAX_LIST_ENTRIES } from './limits.ts'
import { versionTagSchema } from './response-schemas.ts'
import type { VersionTag } from './responses.ts'

/** RFC 9241 §3.6 / RFC 8006 §4.2.2.2 Footprint. */
export interface Footprint {
  'footprint-type': FootprintType
  'footprint-value': string[]
}

/** RFC 9241 §3.6 / RFC 8008 §5.1 BaseAdvertisementObject (`footprints` absent: global). */
export interface BaseAdvertisementObject {
  'capability-type': CapabilityType
  'capability-value': unknown
  footprints?: Footprint[]
}

/** RFC 9241 §5.3 CDNICapability. */
export interface CdniCapability {
  'capability-type': CapabilityType
  'capability-value': unknown
}

/** RFC 9241 §3.6 InfoResourceCDNIAdvertisement. */
export interface CdniAdvertisementBody {
  meta: { vtag: VersionTag; 'dependent-vtags'?: VersionTag[] }
  'cdni-advertisement': { 'capabilities-with-footprints': BaseAdvertisementObject[] }
}

/**
 * §3.6 / §5.6 response body (`application/alto-cdni+json`), loose like every response schema
 * (RFC 7285 §8.3.7); for the JSON Schema served at `/schemas/alto-cdni.json`.
 */
export const cdniAdvertisementResponseSchema = z.looseObject({
  meta: z.looseObject({
    vtag: versionTagSchema,
    'dependent-vtags': z.array(versionTagSchema).optional(),
  }),
  'cdni-advertisement': z.looseObject({
    'capabilities-with-footprints': z.array(
      z.looseObject({
        'capability-type': z.string(),
        'capability-value': z.unknown(),
        footprints: z
          .array(
            z.looseObject({
              'footprint-type': z.string(),
              'footprint-value': z.array(z.string()).min(1),
            })
          )
          .nullable()
          .optional(),
      })
    ),
  }),
})

export type CdniAdvertisementResponse = z.infer<typeof cdniAdvertisementResponseSchema>

/** A filter request as a client writes it (RFC 9241 §5.3); the server checks the types. */
export interface CdniFilterRequest {
  'cdni-capabilities': { 'capability-type': string; 'capability-value': unknown }[]
}

// --- Footprints ------------------------------------------------------------------------------

/** RFC 8006 §7.2 "CDNI Metadata Footprint Types" and RFC 9241 §7.3 (`altopid`). */
export const FOOTPRINT_TYPES = ['ipv4cidr', 'ipv6cidr', 'asn', 'countrycode', 'altopid'] as const
export type FootprintType = (typeof FOOTPRINT_TYPES)[number]

export function isFootprintType(t: unknown): t is FootprintType {
  return typeof t === 'string' && (FOOTPRINT_TYPES as readonly string[]).includes(t)
}

/** Largest 4-octet AS number (RFC 6793). */
const MAX_ASN = 4294967295

/**
 * RFC 8006 §4.3.7 ASN: "as" (lowercase) followed by the AS number; RFC 9241 §6.1.1.2 adds "as a
 * decimal number without leading zeros". Returns a problem, or null.
 */
export function asnFootprintProblem(value: string): string | null {
  const m = /^as(0|[1-9][0-9]*)$/.exec(value)
  if (!m) {
    const loose = /^as0*([0-9]+)$/i.exec(value)
    const hint = loose ? `; did you mean as${String(Number(loose[1]))}?` : ''
    return `an asn footprint is "as" (lowercase) followed by the AS number in decimal without leading zeros (RFC 8006 §4.3.7, RFC 9241 §6.1.1.2), e.g. as64496${hint}`
  }
  if (Number(m[1]) > MAX_ASN) return `AS number above ${MAX_ASN} (RFC 6793 4-octet ASNs)`
  return null
}

/** RFC 8006 §4.3.8 Country Code: "An ISO 3166-1 alpha-2 code in lowercase". */
export function countryCodeFootprintProblem(value: string): string | null {
  if (/^[a-z]{2}$/.test(value)) return null
  const hint = /^[A-Za-z]{2}$/.test(value) ? `; did you mean ${value.toLowerCase()}?` : ''
  return `a countrycode footprint is an ISO 3166-1 alpha-2 code in lowercase (RFC 8006 §4.3.8), e.g. us${hint}`
}

// --- Capabilities ----------------------------------------------------------------------------

/** What the server knows of one capability type. */
interface CapabilitySpec {
  /** Why `value` is not a `capability-value` of this type (RFC 9241 §5.6), or null. */
  problem(value: unknown): string | null
  /** RFC 9241 §5.6: `offered`'s mandatory properties are a superset of `requested`'s. */
  covers(offered: unknown, requested: unknown): boolean
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

const isStringList = (v: unknown): v is string[] =>
  Array.isArray(v) && v.every((e) => typeof e === 'string')

/** RFC 8008 §6.2 "CDNI Capabilities Redirection Modes" registry. */
export const REDIRECTION_MODES = ['DNS-I', 'DNS-R', 'HTTP-I', 'HTTP-R'] as const

/**
 * A capability whose one mandatory property is a list of strings (delivery and acquisition
 * protocols, redirection modes, metadata types); `allowed` restricts the list to a registry.
 * Superset: every requested entry is offered.
 */
function listCapability(
  property: string,
  rfc: string,
  allowed?: readonly string[]
): CapabilitySpec {
  return {
    problem(value) {
      if (!isObject(value)) return `capability-value must be an object with "${property}" (${rfc})`
      const list = value[property]
      if (list === undefined) return `capability-value lacks mandatory "${property}" (${rfc})`
      if (!isStringList(list)) return `"${property}" must be a list of strings (${rfc})`
      const bad = allowed ? list.find((e) => !allowed.includes(e)) : undefined
      if (bad !== undefined)
        return `"${property}" has ${JSON.stringify(bad)}, not one of ${allowed!.join(', ')} (${rfc})`
      return null
    },
    covers(offered, requested) {
      const have = new Set((offered as Record<string, string[]>)[property])
      return (requested as Record<string, string[]>)[property].every((e) => have.has(e))
    },
  }
}

/**
 * RFC 8008 §5.6 Logging: `record-type` (a string, mandatory) and `fields` (optional: not part of
 * the §5.6 match, which compares mandatory properties only).
 */
const loggingCapability: CapabilitySpec = {
  problem(value) {
    if (!isObject(value))
      return 'capability-value must be an object with "record-type" (RFC 8008 §5.6)'
    if (value['record-type'] === undefined)
      return 'capability-value lacks mandatory "record-type" (RFC 8008 §5.6)'
    if (typeof value['record-type'] !== 'string')
      return '"record-type" must be a string (RFC 8008 §5.6)'
    if (value.fields !== undefined && !isStringList(value.fields))
      return '"fields" must be a list of strings (RFC 8008 §5.6)'
    return null
  },
  covers: (offered, requested) =>
    (offered as Record<string, unknown>)['record-type'] ===
    (requested as Record<string, unknown>)['record-type'],
}

/** RFC 8008 §6.1 FCI payload types (RFC 9241 §3.6: the mandatory-to-implement capabilities). */
const CAPABILITIES = {
  'FCI.DeliveryProtocol': listCapability('delivery-protocols', 'RFC 8008 §5.3'),
  'FCI.AcquisitionProtocol': listCapability('acquisition-protocols', 'RFC 8008 §5.4'),
  'FCI.RedirectionMode': listCapability('redirection-modes', 'RFC 8008 §5.5', REDIRECTION_MODES),
  'FCI.Logging': loggingCapability,
  'FCI.Metadata': listCapability('metadata', 'RFC 8008 §5.7'),
} as const satisfies Record<string, CapabilitySpec>

export type CapabilityType = keyof typeof CAPABILITIES
export const CAPABILITY_TYPES = Object.keys(CAPABILITIES) as CapabilityType[]

export function isCapabilityType(t: unknown): t is CapabilityType {
  return typeof t === 'string' && Object.hasOwn(CAPABILITIES, t)
}

/** Why `value` is not a `capability-value` of `type`, or null. */
export function capabilityValueProblem(type: CapabilityType, value: unknown): string | null {
  return CAPABILITIES[type].problem(value)
}

/** RFC 9241 §5.6: whether an advertised object satisfies one requested capability. */
export function capabilityMatches(object: CdniCapability, requested: CdniCapability): boolean {
  return (
    object['capability-type'] === requested['capability-type'] &&
    CAPABILITIES[requested['capability-type']].covers(
      object['capability-value'],
      requested['capability-value']
    )
  )
}

// --- The filtered advertisement (§5) ---------------------------------------------------------

/**
 * RFC 9241 §5.3 ReqFilteredCDNIAdvertisement as received. The members of each CDNICapability are
 * checked by {@link checkCdniFilter}, not here: §5.6 makes a null `capability-type` an
 * `E_INVALID_FIELD_VALUE`, where a schema would report a wrong type.
 */
export const filteredCdniRequest = z.object({
  'cdni-capabilities': z
    .array(
      z.object({
        'capability-type': z.unknown().optional(),
        'capability-value': z.unknown().optional(),
      })
    )
    .max(MAX_LIST_ENTRIES),
})
export type FilteredCdniRequest = z.infer<typeof filteredCdniRequest>

/** The request's capabilities, checked (RFC 9241 §5.6), or the one ALTO error (§8.5.2). */
export function checkCdniFilter(
  request: FilteredCdniRequest
): { ok: true; capabilities: CdniCapability[] } | { ok: false; error: AltoError } {
  const capabilities: CdniCapability[] = []
  for (const raw of request['cdni-capabilities']) {
    const type = raw['capability-type']
    const value = raw['capability-value']
    const field = (name: string) => `cdni-capabilities/${name}`
    // §5.6: "the value field of the error message SHOULD indicate this CDNI capability".
    const invalid = (name: string): { ok: false; error: AltoError } => ({
      ok: false,
      error: { code: 'E_INVALID_FIELD_VALUE', field: field(name), value: errorValueString(raw) },
    })
    if (!Object.hasOwn(raw, 'capability-type'))
      return { ok: false, error: { code: 'E_MISSING_FIELD', field: field('capability-type') } }
    // §5.6: invalid if "the value of capability-type is null".
    if (type === null) return invalid('capability-type')
    if (typeof type !== 'string')
      return { ok: false, error: { code: 'E_INVALID_FIELD_TYPE', field: field('capability-type') } }
    // A type outside RFC 8008's registry: no capability-value can be consistent with it.
    if (!isCapabilityType(type)) return invalid('capability-type')
    if (!Object.hasOwn(raw, 'capability-value'))
      return { ok: false, error: { code: 'E_MISSING_FIELD', field: field('capability-value') } }
    // §5.6: "the value of capability-value is null; or ... is inconsistent with capability-type".
    if (value === null || capabilityValueProblem(type, value) !== null)
      return invalid('capability-value')
    capabilities.push({ 'capability-type': type, 'capability-value': value })
  }
  return { ok: true, capabilities }
}

/**
 * RFC 9241 §5.6: the objects (in resource order, each once) satisfying at least one requested
 * capability; an empty request selects every object (§5.3). Duplicated requests change nothing
 * (§5.3: "as if they appeared only once"); a capability no object satisfies adds nothing.
 */
export function filterAdvertisement(
  objects: readonly BaseAdvertisementObject[],
  requested: readonly CdniCapability[]
): BaseAdvertisementObject[] {
  if (requested.length === 0) return [...objects]
  return objects.filter((o) => requested.some((r) => capabilityMatches(o, r)))
}

/** The one writer of an advertisement body (the GET blob and every filtered answer). */
export function renderCdniAdvertisement(
  vtag: VersionTag,
  dependentVtags: readonly VersionTag[] | undefined,
  objects: readonly BaseAdvertisementObject[]
): string {
  const meta: CdniAdvertisementBody['meta'] = {
    vtag: { 'resource-id': vtag['resource-id'], tag: vtag.tag },
  }
  if (dependentVtags && dependentVtags.length > 0)
    meta['dependent-vtags'] = dependentVtags.map((v) => ({
      'resource-id': v['resource-id'],
      tag: v.tag,
    }))
  const body: CdniAdvertisementBody = {
    meta,
    'cdni-advertisement': { 'capabilities-with-footprints': objects.map(orderedObject) },
  }
  return JSON.stringify(body)
}

/** Members in the RFC's order: capability-type, capability-value, footprints (when any). */
function orderedObject(o: BaseAdvertisementObject): BaseAdvertisementObject {
  const out: BaseAdvertisementObject = {
    'capability-type': o['capability-type'],
    'capability-value': o['capability-value'],
  }
  if (o.footprints && o.footprints.length > 0)
    out.footprints = o.footprints.map((f) => ({
      'footprint-type': f['footprint-type'],
      'footprint-value': [...f['footprint-value']],
    }))
  return out
}

// --- Footprints as property-map entities (§6) -------------------------------------------------

/** An address or prefix, as the ipv4/ipv6 entity domains hold them (RFC 9240 §6.1, §6.2). */
interface PrefixValue {
  family: 4 | 6
  words: number[]
  len: number
}

/** `192.0.2.0/24` or a single address (a full-length prefix, RFC 9241 §6.1); null if neither. */
function prefixOf(text: string): PrefixValue | null {
  if (!text.includes('/')) {
    const a = parseAddress(text)
    return a ? { family: a.family, words: a.words, len: a.family === 4 ? 32 : 128 } : null
  }
  const p = parsePrefix(text)
  return p.ok ? { family: p.family, words: p.words, len: p.len } : null
}

/** Whether prefix `outer` contains `inner` (same family, no longer, same leading bits). */
function containsPrefix(outer: PrefixValue, inner: PrefixValue): boolean {
  if (outer.family !== inner.family || outer.len > inner.len) return false
  const masked = maskWords(inner.words, outer.len)
  return masked.every((w, i) => w === outer.words[i])
}

/**
 * RFC 9241 §6.2.2: the `cdni-capabilities` value of one footprint entity — every CDNICapability of
 * the advertisement whose footprint restrictions contain the entity, in resource order, each
 * once. Entities (§6.1): `ipv4:`/`ipv6:` addresses and prefixes (inside an `ipv4cidr`/`ipv6cidr`
 * footprint prefix), `asn:as<N>` (§6.1.1), `countrycode:<cc>` (§6.1.2), and `<netmap>.pid:<PID>`
 * when `networkMap` is the network map the resource uses (§6.1: altopid). An object without
 * footprints has global coverage (§3.6) and applies to every entity. Returns null when the
 * entity is not one of these (an unknown domain or a malformed identifier).
 *
 * For the RFC 9240 property map that serves `<cdni-resource>.cdni-capabilities` (issue 16 item
 * 1 wires it); the filtered CDNI advertisement (§5) filters by capability instead.
 */
export function capabilitiesCovering(
  objects: readonly BaseAdvertisementObject[],
  entity: string,
  networkMap?: string
): CdniCapability[] | null {
  const colon = entity.indexOf(':')
  if (colon < 0) return null
  const domain = entity.slice(0, colon)
  const id = entity.slice(colon + 1)
  let covers: (f: Footprint) => boolean
  if (domain === 'ipv4' || domain === 'ipv6') {
    const p = prefixOf(id)
    if (!p || p.family !== (domain === 'ipv4' ? 4 : 6)) return null
    const type = domain === 'ipv4' ? 'ipv4cidr' : 'ipv6cidr'
    covers = (f) =>
      f['footprint-type'] === type &&
      f['footprint-value'].some((v) => {
        const outer = prefixOf(v)
        return outer !== null && containsPrefix(outer, p)
      })
  } else if (domain === 'asn') {
    if (asnFootprintProblem(id) !== null) return null
    covers = (f) => f['footprint-type'] === 'asn' && f['footprint-value'].includes(id)
  } else if (domain === 'countrycode') {
    if (countryCodeFootprintProblem(id) !== null) return null
    covers = (f) => f['footprint-type'] === 'countrycode' && f['footprint-value'].includes(id)
  } else if (networkMap !== undefined && domain === `${networkMap}.pid`) {
    covers = (f) => f['footprint-type'] === 'altopid' && f['footprint-value'].includes(id)
  } else return null
  const out: CdniCapability[] = []
  const seen = new Set<string>()
  for (const o of objects) {
    const global = !o.footprints || o.footprints.length === 0
    if (!global && !o.footprints!.some(covers)) continue
    const capability = {
      'capability-type': o['capability-type'],
      'capability-value': o['capability-value'],
    }
    const key = JSON.stringify(capability)
    if (seen.has(key)) continue
    seen.add(key)
    out.push(capability)
  }
  return out
}
