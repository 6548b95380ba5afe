/**
 * @module Network maps: full map `GET /networkmap/:id` (RFC 7285 §11.2.1, served from the prebuilt
 * JSON blob) and filtered map `POST /networkmap/:id/filtered` (§11.3.1).
 */
import { Hono } from 'hono'
import { httpFail } from '../../alto/errors.ts'
import { MEDIA_TYPES } from '../../alto/media-types.ts'
import { strongEtag } from '../../alto/negotiation.ts'
import { filteredNetworkMapRequest } from '../../alto/request-schemas.ts'
import { buildFilteredNetworkMap } from '../../alto/responses.ts'
import { resourceIds } from '../../alto/resources.ts'
import { requireVisible } from '../access.ts'
import type { AppEnv } from '../env.ts'
import { phaseDone } from '../phases.ts'
import { serveFullResource } from '../full-resource.ts'
import { altoJsonResponse, readAltoRequest, requestVersion, requireAcceptable } from '../http.ts'
import { networkMapOr404, networkMapVtag } from '../resources.ts'
import { networkMapBody } from '../tables.ts'

export const networkMapRoutes = new Hono<AppEnv>()
  .get('/networkmap/:id', async (c) => {
    const version = await requestVersion(c)
    const id = c.req.param('id')
    const nm = networkMapOr404(version.manifest, id)
    await requireVisible(c, id)
    return serveFullResource(c, version, {
      cacheId: `networkmap/${encodeURIComponent(id)}`,
      etag: strongEtag(nm.vtag),
      mediaType: MEDIA_TYPES.networkMap,
      blob: nm.json,
    })
  })
  .post('/networkmap/:id/filtered', async (c) => {
    const version = await requestVersion(c)
    const id = c.req.param('id')
    const nm = networkMapOr404(version.manifest, id)
    await requireVisible(c, resourceIds.filteredNetworkMap(id))
    requireAcceptable(c, MEDIA_TYPES.networkMap)
    const request = await readAltoRequest(
      c,
      MEDIA_TYPES.networkMapFilter,
      filteredNetworkMapRequest
    )
    phaseDone('validate')
    const full = await networkMapBody(c.env.ALTO_KV, nm)
    // §11.3.1.6: "the vtag ... MUST be the vtag of the full, unfiltered network map".
    const vtag = networkMapVtag(version.manifest, id)
    const body = buildFilteredNetworkMap(full, vtag, request.pids, request['address-types'])
    phaseDone('lookup')
    const response = altoJsonResponse(body, MEDIA_TYPES.networkMap)
    phaseDone('serialise')
    return response
  })
  .all('/networkmap/:id', () => httpFail({ kind: 'method-not-allowed', allow: ['GET', 'HEAD'] }))
  .all('/networkmap/:id/filtered', () => httpFail({ kind: 'method-not-allowed', allow: ['POST'] }))
