/**
 * @module RFC 9241 CDNI Footprint & Capabilities Advertisement (docs/cdni.md): the full resource
 * `GET /cdni/:id` (§3, served from the prebuilt body with its ETag) and the filtered one
 * `POST /cdni/:id/filtered` (§5: the objects whose capability covers one of the requested
 * capabilities; the vtag is the full resource's, §5.6).
 */
import { Hono } from 'hono'
import { checkCdniFilter, filterAdvertisement, filteredCdniRequest } from '../../alto/cdni.ts'
import { renderCdniAdvertisement } from '../../alto/cdni.ts'
import { altoFail, httpFail } from '../../alto/errors.ts'
import { MEDIA_TYPES } from '../../alto/media-types.ts'
import { strongEtag } from '../../alto/negotiation.ts'
import { resourceIds } from '../../alto/resources.ts'
import { requireVisible } from '../access.ts'
import type { AppEnv } from '../env.ts'
import { serveFullResource } from '../full-resource.ts'
import { altoTextResponse, readAltoRequest, requestVersion, requireAcceptable } from '../http.ts'
import { phaseDone } from '../phases.ts'
import { cdniOr404, networkMapVtag } from '../resources.ts'
import { cdniBody, pidTable } from '../tables.ts'
import { cdniPropertyName } from '../../alto/cdni-property-names.ts'
import {
  parseCdniEntity,
  writeCdniPropertyMap,
  type CdniEntity,
} from '../../alto/cdni-property-map.ts'
import { filteredPropertyMapRequest } from '../../alto/request-schemas.ts'

export const cdniRoutes = new Hono<AppEnv>()
  .get('/cdni/:id', async (c) => {
    const version = await requestVersion(c)
    const id = c.req.param('id')
    const cdni = cdniOr404(version.manifest, id)
    await requireVisible(c, id)
    return serveFullResource(c, version, {
      cacheId: `cdni/${encodeURIComponent(id)}`,
      etag: strongEtag(cdni.tag),
      mediaType: MEDIA_TYPES.cdni,
      blob: cdni.json,
    })
  })
  .post('/cdni/:id/filtered', async (c) => {
    const version = await requestVersion(c)
    const id = c.req.param('id')
    const cdni = cdniOr404(version.manifest, id)
    await requireVisible(c, resourceIds.filteredCdni(id))
    requireAcceptable(c, MEDIA_TYPES.cdni)
    const request = await readAltoRequest(c, MEDIA_TYPES.cdniFilter, filteredCdniRequest)
    const checked = checkCdniFilter(request)
    if (!checked.ok) altoFail(checked.error)
    phaseDone('validate')
    const full = await cdniBody(c.env.ALTO_KV, cdni)
    const objects = filterAdvertisement(
      full['cdni-advertisement']['capabilities-with-footprints'],
      checked.capabilities
    )
    phaseDone('lookup')
    // §5.6: "The version tag included in the vtag field of the response MUST correspond to the
    // full CDNI Advertisement resource".
    const text = renderCdniAdvertisement(full.meta.vtag, full.meta['dependent-vtags'], objects)
    const response = altoTextResponse(text, MEDIA_TYPES.cdni)
    phaseDone('serialise')
    return response
  })
  .get('/cdni/:id/propmap', async (c) => {
    const version = await requestVersion(c)
    const id = c.req.param('id')
    const cdni = cdniOr404(version.manifest, id)
    const pm = cdni.propmap ?? httpFail({ kind: 'not-found' })
    await requireVisible(c, resourceIds.cdniPropertyMap(id))
    return serveFullResource(c, version, {
      cacheId: `cdni-propmap/${encodeURIComponent(id)}`,
      etag: strongEtag(pm.tag),
      mediaType: MEDIA_TYPES.propMap,
      blob: pm.json,
    })
  })
  .post('/cdni/:id/propmap/filtered', async (c) => {
    const version = await requestVersion(c)
    const { manifest } = version
    const id = c.req.param('id')
    const cdni = cdniOr404(manifest, id)
    if (cdni.propmap === undefined) httpFail({ kind: 'not-found' })
    await requireVisible(c, resourceIds.filteredCdniPropertyMap(id))
    requireAcceptable(c, MEDIA_TYPES.propMap)
    const request = await readAltoRequest(c, MEDIA_TYPES.propMapParams, filteredPropertyMapRequest)
    // RFC 9240 §8.3: properties from the capabilities only (the one `<id>.cdni-capabilities`).
    const name = cdniPropertyName(id)
    for (const p of request.properties ?? [])
      if (p !== name) altoFail({ code: 'E_INVALID_FIELD_VALUE', field: 'properties', value: p })
    const nm = cdni['network-map']
    let entities: CdniEntity[] | null = null
    if (request.entities.length > 0) {
      const seen = new Set<string>()
      entities = []
      for (const text of request.entities) {
        // RFC 9240 §8.6: a domain not in `mappings` or an id invalid for its domain.
        const e = parseCdniEntity(text, nm)
        if (e === null) altoFail({ code: 'E_INVALID_FIELD_VALUE', field: 'entities', value: text })
        if (seen.has(e.key)) continue
        seen.add(e.key)
        entities.push(e)
      }
    }
    phaseDone('validate')
    const [full, pids] = await Promise.all([
      cdniBody(c.env.ALTO_KV, cdni),
      nm !== undefined && entities?.some((e) => e.kind === 'pid')
        ? pidTable(c.env.ALTO_KV, manifest['network-maps'][nm])
        : null,
    ])
    phaseDone('lookup')
    // RFC 9240 §8.6: ipv4/ipv6/asn/countrycode are resource-agnostic, and a PID entity depends
    // on both `uses` resources: the vtags of every `uses` resource, in that order.
    const dependentVtags = [
      full.meta.vtag,
      ...(nm !== undefined ? [networkMapVtag(manifest, nm)] : []),
    ]
    const text = writeCdniPropertyMap(
      id,
      full['cdni-advertisement']['capabilities-with-footprints'],
      nm,
      entities,
      request.properties === undefined ? false : true,
      dependentVtags,
      (pid) => pids?.indexOf.has(pid) ?? false
    )
    const response = altoTextResponse(text, MEDIA_TYPES.propMap)
    phaseDone('serialise')
    return response
  })
  .all('/cdni/:id', () => httpFail({ kind: 'method-not-allowed', allow: ['GET', 'HEAD'] }))
  .all('/cdni/:id/propmap', () => httpFail({ kind: 'method-not-allowed', allow: ['GET', 'HEAD'] }))
  .all('/cdni/:id/propmap/filtered', () =>
    httpFail({ kind: 'method-not-allowed', allow: ['POST'] })
  )
  .all('/cdni/:id/filtered', () => httpFail({ kind: 'method-not-allowed', allow: ['POST'] }))
