/**
 * @module RFC 9240 property maps: full map `GET /propmap/:id` (§7, served from the prebuilt JSON
 * blob, ETag = the map's content tag) and filtered map `POST /propmap/:id/filtered` (§8,
 * computed from the tables: answers in src/alto/property-map.ts; docs/property-maps.md).
 *
 * Errors: property-map-answers.ts (§8.6), shared with the update services that follow a
 * filtered property map with `input`.
 */
import { Hono } from 'hono'
import { httpFail } from '../../alto/errors.ts'
import { MEDIA_TYPES } from '../../alto/media-types.ts'
import { strongEtag } from '../../alto/negotiation.ts'
import { filteredPropertyMapRequest } from '../../alto/request-schemas.ts'
import { resourceIds } from '../../alto/resources.ts'
import { requireVisible } from '../access.ts'
import type { AppEnv } from '../env.ts'
import { serveFullResource } from '../full-resource.ts'
import { altoTextResponse, readAltoRequest, requestVersion, requireAcceptable } from '../http.ts'
import { phaseDone } from '../phases.ts'
import {
  filteredPropertyMapText,
  planFilteredPropertyMap,
  propertyMapOr404,
} from '../property-map-answers.ts'

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
    propertyMapOr404(manifest, id)
    await requireVisible(c, resourceIds.filteredPropertyMap(id))
    requireAcceptable(c, MEDIA_TYPES.propMap)
    const request = await readAltoRequest(c, MEDIA_TYPES.propMapParams, filteredPropertyMapRequest)
    const plan = planFilteredPropertyMap(manifest, id, request)
    phaseDone('validate')
    const text = await filteredPropertyMapText(c.env.ALTO_KV, manifest, plan)
    const response = altoTextResponse(text, MEDIA_TYPES.propMap)
    phaseDone('serialise')
    return response
  })
  .all('/propmap/:id', () => httpFail({ kind: 'method-not-allowed', allow: ['GET', 'HEAD'] }))
  .all('/propmap/:id/filtered', () => httpFail({ kind: 'method-not-allowed', allow: ['POST'] }))
