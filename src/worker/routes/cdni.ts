/**
 * @module RFC 9241 CDNI Footprint & Capabilities Advertisement (docs/cdni.md): the full resource
 * `GET /cdni/:id` (§3, served from the prebuilt body with its ETag) and the filtered one
 * `POST /cdni/:id/filtered` (§5: the objects whose capability covers one of the requested
 * capabilities; the vtag is the full resource's, §5.6).
 */
import { Hono } from 'hono'
import { filteredCdniRequest } from '../../alto/cdni.ts'
import { httpFail } from '../../alto/errors.ts'
import { MEDIA_TYPES } from '../../alto/media-types.ts'
import { strongEtag } from '../../alto/negotiation.ts'
import { filteredPropertyMapRequest } from '../../alto/request-schemas.ts'
import { resourceIds } from '../../alto/resources.ts'
import { requireVisible } from '../access.ts'
import {
  filteredCdniPropertyMapText,
  filteredCdniText,
  planFilteredCdni,
  planFilteredCdniPropertyMap,
} from '../cdni-answers.ts'
import type { AppEnv } from '../env.ts'
import { serveFullResource } from '../full-resource.ts'
import { altoTextResponse, readAltoRequest, requestVersion, requireAcceptable } from '../http.ts'
import { phaseDone } from '../phases.ts'
import { cdniOr404 } from '../resources.ts'

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
    cdniOr404(version.manifest, id)
    await requireVisible(c, resourceIds.filteredCdni(id))
    requireAcceptable(c, MEDIA_TYPES.cdni)
    const request = await readAltoRequest(c, MEDIA_TYPES.cdniFilter, filteredCdniRequest)
    const plan = planFilteredCdni(version.manifest, id, request)
    phaseDone('validate')
    const text = await filteredCdniText(c.env.ALTO_KV, plan)
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
    const plan = planFilteredCdniPropertyMap(manifest, id, request)
    phaseDone('validate')
    const text = await filteredCdniPropertyMapText(c.env.ALTO_KV, manifest, plan)
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
