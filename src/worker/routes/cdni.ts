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
import { cdniOr404 } from '../resources.ts'
import { cdniBody } from '../tables.ts'

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
  .all('/cdni/:id', () => httpFail({ kind: 'method-not-allowed', allow: ['GET', 'HEAD'] }))
  .all('/cdni/:id/filtered', () => httpFail({ kind: 'method-not-allowed', allow: ['POST'] }))
