/**
 * @module RFC 9240 property maps: full map `GET /propmap/:id` (§7, served from the prebuilt JSON
 * blob, ETag = the map's content tag) and filtered map `POST /propmap/:id/filtered` (§8,
 * computed from the tables: answers in src/alto/property-map.ts; docs/property-maps.md).
 *
 * Errors (§8.6, with RFC 7285 §8.5.2's `field`): `entities` absent → `E_MISSING_FIELD`; an
 * entity whose domain is not in `mappings`, or whose id is invalid for its domain →
 * `E_INVALID_FIELD_VALUE` on `entities` with the entity as `value`; a property not in the
 * capabilities → `E_INVALID_FIELD_VALUE` on `properties` with the name as `value`.
 */
import { Hono } from 'hono'
import { altoFail, httpFail } from '../../alto/errors.ts'
import { MEDIA_TYPES } from '../../alto/media-types.ts'
import { strongEtag } from '../../alto/negotiation.ts'
import {
  ANE_DOMAIN,
  parseEntity,
  writeFilteredPropertyMap,
  type Entity,
} from '../../alto/property-map.ts'
import { filteredPropertyMapRequest } from '../../alto/request-schemas.ts'
import { resourceIds } from '../../alto/resources.ts'
import { distinct, type VersionTag } from '../../alto/responses.ts'
import type { Manifest, PropertyMapEntry } from '../../store/manifest.ts'
import { requireVisible } from '../access.ts'
import type { AppEnv } from '../env.ts'
import { serveFullResource } from '../full-resource.ts'
import { altoTextResponse, readAltoRequest, requestVersion, requireAcceptable } from '../http.ts'
import { phaseDone } from '../phases.ts'
import { networkMapVtag } from '../resources.ts'
import { propertyMapTables } from '../tables.ts'

function propertyMapOr404(manifest: Manifest, id: string): PropertyMapEntry {
  const maps = manifest['property-maps'] ?? {}
  return Object.hasOwn(maps, id) ? maps[id] : httpFail({ kind: 'not-found' })
}

export const propertyMapRoutes = new Hono<AppEnv>()
  .get('/propmap/:id', async (c) => {
    const version = await requestVersion(c)
    const id = c.req.param('id')
    const pm = propertyMapOr404(version.manifest, id)
    await requireVisible(c, id)
    return serveFullResource(c, version, {
      cacheId: `propmap/${encodeURIComponent(id)}`,
      etag: strongEtag(pm.tag),
      mediaType: MEDIA_TYPES.propMap,
      blob: pm.json,
    })
  })
  .post('/propmap/:id/filtered', async (c) => {
    const version = await requestVersion(c)
    const { manifest } = version
    const id = c.req.param('id')
    const pm = propertyMapOr404(manifest, id)
    await requireVisible(c, resourceIds.filteredPropertyMap(id))
    requireAcceptable(c, MEDIA_TYPES.propMap)
    const request = await readAltoRequest(c, MEDIA_TYPES.propMapParams, filteredPropertyMapRequest)
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
    phaseDone('validate')
    // §8.6: with a resource-agnostic entity (or all entities) the vtags of every `uses`
    // resource, else those of the requested PID domains' network maps, in `uses` order.
    const agnostic = entities === null || entities.some((e) => e.kind === 'prefix')
    const wanted = agnostic
      ? pm.uses
      : pm.uses.filter((nm) => entities!.some((e) => e.kind === 'pid' && e.networkMap === nm))
    const dependentVtags: VersionTag[] = wanted.map((nm) => networkMapVtag(manifest, nm))
    const needPids = entities === null ? pm.uses : wanted.filter((nm) => pidNetworkMaps.has(nm))
    // RFC 9275 §6.2.4: `.ane` entities are self-defined (RFC 9240 §5.1.2.3): no dependent vtag.
    const needAnes = entities === null || entities.some((e) => e.kind === 'ane')
    const tables = await propertyMapTables(
      c.env.ALTO_KV,
      manifest,
      pm,
      agnostic,
      needPids,
      needAnes
    )
    phaseDone('lookup')
    const text = writeFilteredPropertyMap(tables, entities, columns, dependentVtags)
    const response = altoTextResponse(text, MEDIA_TYPES.propMap)
    phaseDone('serialise')
    return response
  })
  .all('/propmap/:id', () => httpFail({ kind: 'method-not-allowed', allow: ['GET', 'HEAD'] }))
  .all('/propmap/:id/filtered', () => httpFail({ kind: 'method-not-allowed', allow: ['POST'] }))
