/**
 * @module RFC 9241 §6: a CDNI Advertisement resource X seen as an RFC 9240 property map — its
 * footprints as entities (§6.1: `ipv4`/`ipv6` prefixes and addresses, `asn:as<N>`,
 * `countrycode:<cc>`, `<netmap>.pid:<PID>` for `altopid`) and the resource-specific property
 * `X.cdni-capabilities` (§6.2, defining resource X, media type `application/alto-cdni+json`,
 * §6.2.1) whose value is every CDNICapability of X whose footprints contain the entity
 * (§6.2.2, `capabilitiesCovering`). Pure: the caller supplies the objects (docs/cdni.md).
 *
 * Inheritance (RFC 9240 §6.1.3) holds by construction: the value of a prefix is the union over
 * every footprint prefix containing it, so it includes the value of each shorter covering prefix,
 * and an address takes the value of its longest covering footprint prefix, exactly
 * `capabilitiesCovering` of the address. Global capabilities (no footprints, §3.6) reach every
 * address through `ipv4:0.0.0.0/0` / `ipv6:::/0` entries of the full map.
 */
import { maskWords } from '../tables/index.ts'
import {
  asnFootprintProblem,
  capabilitiesCovering,
  countryCodeFootprintProblem,
  type BaseAdvertisementObject,
  type CdniCapability,
} from './cdni.ts'
import { pidNameProblem } from './identifiers.ts'
import { cdniPropertyName } from './cdni-property-names.ts'
import { parseEntity, pidDomain } from './property-map.ts'
import type { VersionTag } from './responses.ts'

/** A requested entity, its id canonical (RFC 9240 §6.1.1.2 for addresses). */
export type CdniEntity =
  | { kind: 'prefix'; family: 4 | 6; words: number[]; len: number; key: string }
  | { kind: 'pid'; pid: string; key: string }
  | { kind: 'other'; key: string }

/**
 * Parses an entity id against the domains of the map (§6.1); null: a domain not in `mappings`
 * or an id invalid for its domain (RFC 9240 §8.6: both `E_INVALID_FIELD_VALUE`) — a malformed
 * address or prefix, an ASN other than `as` + decimal without leading zeros (§6.1.1.2), a
 * country code other than two lowercase letters (§6.1.2.2), a PID name that is not a PIDName.
 */
export function parseCdniEntity(text: string, networkMap: string | undefined): CdniEntity | null {
  const colon = text.indexOf(':')
  if (colon < 0) return null
  const domain = text.slice(0, colon)
  const id = text.slice(colon + 1)
  if (domain === 'ipv4' || domain === 'ipv6') {
    const e = parseEntity(text, true, new Set())
    return e && e.kind === 'prefix' ? e : null
  }
  if (domain === 'asn')
    return asnFootprintProblem(id) === null ? { kind: 'other', key: text } : null
  if (domain === 'countrycode')
    return countryCodeFootprintProblem(id) === null ? { kind: 'other', key: text } : null
  if (networkMap !== undefined && domain === pidDomain(networkMap))
    return pidNameProblem(id) === null ? { kind: 'pid', pid: id, key: text } : null
  return null
}

/** The entity ids of the footprints, each once, in resource order (§6.1). */
function footprintEntities(
  objects: readonly BaseAdvertisementObject[],
  networkMap: string | undefined
): CdniEntity[] {
  const out: CdniEntity[] = []
  const seen = new Set<string>()
  for (const o of objects)
    for (const f of o.footprints ?? [])
      for (const v of f['footprint-value']) {
        const type = f['footprint-type']
        const text =
          type === 'ipv4cidr'
            ? `ipv4:${v}`
            : type === 'ipv6cidr'
              ? `ipv6:${v}`
              : type === 'altopid' && networkMap !== undefined
                ? `${pidDomain(networkMap)}:${v}`
                : `${type}:${v}`
        const e = parseCdniEntity(text, networkMap)
        if (e === null || seen.has(e.key)) continue
        seen.add(e.key)
        out.push(e)
      }
  return out
}

/** The full-map entities: every footprint entity, plus `/0` entries when there are global ones. */
function allEntities(
  objects: readonly BaseAdvertisementObject[],
  networkMap: string | undefined
): CdniEntity[] {
  const list = footprintEntities(objects, networkMap)
  if (objects.some((o) => !o.footprints || o.footprints.length === 0)) {
    const keys = new Set(list.map((e) => e.key))
    for (const text of ['ipv4:0.0.0.0/0', 'ipv6:::/0'])
      if (!keys.has(text)) list.push(parseCdniEntity(text, networkMap)!)
  }
  return list
}

/** Whether prefix entity `inner` lies strictly inside `outer` (same family, longer). */
function strictlyInside(
  outer: Extract<CdniEntity, { kind: 'prefix' }>,
  inner: Extract<CdniEntity, { kind: 'prefix' }>
): boolean {
  if (outer.family !== inner.family || inner.len <= outer.len) return false
  const masked = maskWords(inner.words, outer.len)
  return masked.every((w, i) => w === outer.words[i])
}

const metaJson = (dependentVtags: readonly VersionTag[]): string =>
  JSON.stringify({
    'dependent-vtags': dependentVtags.map((v) => ({ 'resource-id': v['resource-id'], tag: v.tag })),
  })

/**
 * The property map body (RFC 9240 §7.6 / §8.6) of advertisement `cdniId`. `entities` null:
 * the full map (§7.6, or §8.3 `entities: []`). `withValues` false: `properties` was absent
 * (§8.3: `{}` per entity). `pidExists` tells whether a PID of the network map exists (an
 * unknown PID is an entity without properties: omitted). Entities whose value is empty (no
 * capability covers them) are omitted. A requested prefix is followed by the footprint prefixes
 * strictly inside it, with their own values (§8.6: covered entities with different values).
 */
export function writeCdniPropertyMap(
  cdniId: string,
  objects: readonly BaseAdvertisementObject[],
  networkMap: string | undefined,
  entities: readonly CdniEntity[] | null,
  withValues: boolean,
  dependentVtags: readonly VersionTag[],
  pidExists: (pid: string) => boolean = () => true
): string {
  const name = JSON.stringify(cdniPropertyName(cdniId))
  const parts: string[] = []
  const written = new Set<string>()
  const cache = new Map<string, CdniCapability[]>()
  const valueOf = (e: CdniEntity): CdniCapability[] => {
    let v = cache.get(e.key)
    if (v === undefined) {
      v =
        e.kind === 'pid' && !pidExists(e.pid)
          ? []
          : (capabilitiesCovering(objects, e.key, networkMap) ?? [])
      cache.set(e.key, v)
    }
    return v
  }
  const write = (e: CdniEntity, listed = false) => {
    if (written.has(e.key)) return
    const v = valueOf(e)
    if (v.length === 0 && !listed) return
    written.add(e.key)
    const body = withValues && v.length > 0 ? `${name}:${JSON.stringify(v)}` : ''
    parts.push(`${JSON.stringify(e.key)}:{${body}}`)
  }
  if (entities === null) {
    for (const e of allEntities(objects, networkMap)) write(e)
  } else {
    const footprints = footprintEntities(objects, networkMap).filter(
      (e): e is Extract<CdniEntity, { kind: 'prefix' }> => e.kind === 'prefix'
    )
    const inside = new Map<string, CdniEntity[]>()
    for (const e of entities) {
      if (e.kind !== 'prefix') continue
      const list = footprints.filter((f) => strictlyInside(e, f) && valueOf(f).length > 0)
      inside.set(e.key, list)
    }
    // Requested entities first (each keeps its own, inherited value), then what they cover.
    for (const e of entities) write(e, !withValues && (inside.get(e.key)?.length ?? 0) > 0)
    if (withValues) for (const e of entities) for (const f of inside.get(e.key) ?? []) write(f)
  }
  return `{"meta":${metaJson(dependentVtags)},"property-map":{${parts.join(',')}}}`
}
