/**
 * @module RFC 9240 §8 filtered property map answers, shared by the POST route
 * (routes/property-map.ts) and the update services that follow a filtered property map with
 * `input` (RFC 8895 §6.5 ALTO/SSE substreams, RFC 9569 TIPS views): the request is validated
 * once against the manifest (`planFilteredPropertyMap`, the POST's errors) and answered from
 * the compiled tables (`filteredPropertyMapText`), so a stream's full replacement is the POST's
 * answer byte for byte.
 *
 * Errors (§8.6, with RFC 7285 §8.5.2's `field`): an entity whose domain is not in `mappings`,
 * or whose id is invalid for its domain → `E_INVALID_FIELD_VALUE` on `entities` with the entity
 * as `value`; a property not in the capabilities → `E_INVALID_FIELD_VALUE` on `properties` with
 * the name as `value` (`entities` absent is the schema's `E_MISSING_FIELD`).
 */
import { altoFail, httpFail } from '../alto/errors.ts'
import {
  ANE_DOMAIN,
  parseEntity,
  writeFilteredPropertyMap,
  type Entity,
} from '../alto/property-map.ts'
import type { FilteredPropertyMapRequest } from '../alto/request-schemas.ts'
import { distinct, type VersionTag } from '../alto/responses.ts'
import type { Manifest, PropertyMapEntry } from '../store/manifest.ts'
import { phaseDone } from './phases.ts'
import { networkMapVtag } from './resources.ts'
import { propertyMapTables } from './tables.ts'

/** The property map `id` of `manifest`; 404 when it is not published. */
export function propertyMapOr404(manifest: Manifest, id: string): PropertyMapEntry {
  const maps = manifest['property-maps'] ?? {}
  return Object.hasOwn(maps, id) ? maps[id] : httpFail({ kind: 'not-found' })
}

/** A filtered property map request, validated against its map. */
export interface FilteredPropertyMapPlan {
  pm: PropertyMapEntry
  /** Requested entities, canonical and without repeats; null: every entity of the map. */
  entities: Entity[] | null
  /** Property columns to answer; null: entity names only (`properties` absent). */
  columns: number[] | null
}

/** Throws the request's ALTO error when it is not valid for property map `id`. */
export function planFilteredPropertyMap(
  manifest: Manifest,
  id: string,
  request: FilteredPropertyMapRequest
): FilteredPropertyMapPlan {
  const pm = propertyMapOr404(manifest, id)
  // §8.3: every property "MUST be included in the list of properties in this resource's
  // capabilities"; an empty list means all of them; absent: names only (`{}`).
  const column = new Map(pm.properties.map((name, i) => [name, i]))
  const columns =
    request.properties === undefined
      ? null
      : request.properties.length === 0
        ? pm.properties.map((_, i) => i)
        : distinct(request.properties).map((name) => {
            const c = column.get(name)
            if (c === undefined)
              altoFail({ code: 'E_INVALID_FIELD_VALUE', field: 'properties', value: name })
            return c
          })
  const prefixDomains = Object.hasOwn(pm.mappings, 'ipv4')
  const pidNetworkMaps = new Set(Object.keys(pm.pids))
  const aneDomain = Object.hasOwn(pm.mappings, ANE_DOMAIN)
  let entities: Entity[] | null = null
  if (request.entities.length > 0) {
    const seen = new Set<string>()
    entities = []
    for (const text of request.entities) {
      const e = parseEntity(text, prefixDomains, pidNetworkMaps, aneDomain)
      if (e === null) altoFail({ code: 'E_INVALID_FIELD_VALUE', field: 'entities', value: text })
      // §8.3: "entries appearing multiple times as if they appeared only once" (after
      // canonicalization: `ipv4:192.0.2.0/32` is `ipv4:192.0.2.0`, §6.1.1.2).
      if (seen.has(e.key)) continue
      seen.add(e.key)
      entities.push(e)
    }
  }
  return { pm, entities, columns }
}

/** The §8.6 answer of a planned request at `manifest`'s version. */
export async function filteredPropertyMapText(
  kv: KVNamespace,
  manifest: Manifest,
  { pm, entities, columns }: FilteredPropertyMapPlan
): Promise<string> {
  const pidNetworkMaps = new Set(Object.keys(pm.pids))
  // §8.6: with a resource-agnostic entity (or all entities) the vtags of every `uses`
  // resource, else those of the requested PID domains' network maps, in `uses` order.
  const agnostic = entities === null || entities.some((e) => e.kind === 'prefix')
  const wanted = agnostic
    ? pm.uses
    : pm.uses.filter((nm) => entities.some((e) => e.kind === 'pid' && e.networkMap === nm))
  const dependentVtags: VersionTag[] = wanted.map((nm) => networkMapVtag(manifest, nm))
  const needPids = entities === null ? pm.uses : wanted.filter((nm) => pidNetworkMaps.has(nm))
  // RFC 9275 §6.2.4: `.ane` entities are self-defined (RFC 9240 §5.1.2.3): no dependent vtag.
  const needAnes = entities === null || entities.some((e) => e.kind === 'ane')
  const tables = await propertyMapTables(kv, manifest, pm, agnostic, needPids, needAnes)
  phaseDone('lookup')
  return writeFilteredPropertyMap(tables, entities, columns, dependentVtags)
}
