/**
 * @module RFC 9275 path vectors: the multipart filtered cost map `POST /costmap/:nm/pv` (§7.2) and
 * the multipart endpoint cost service `POST /endpointcost/:nm/pv` (§7.3) of a network map with a
 * path table. The answer is `multipart/related` (RFC 2387): the Path Vector part (the cost map or
 * endpoint cost map of ANE name arrays, §6.5.1) and the ANE property map part holding exactly the
 * ANEs of the returned paths with the requested properties (§6.6), computed by
 * path-vector-answers.ts (shared with the update stream). Validation errors are the RFC 7285
 * errors of the base services (§7.2.6: "normal ALTO error").
 */
import { Hono } from 'hono'
import { httpFail } from '../../alto/errors.ts'
import { MEDIA_TYPES } from '../../alto/media-types.ts'
import {
  MULTIPART_RELATED,
  contentIdDomain,
  multipartContentType,
  randomBoundary,
  writeMultipartPathVector,
} from '../../alto/path-vector.ts'
import {
  pathVectorCostMapRequest,
  pathVectorEndpointCostRequest,
} from '../../alto/request-schemas.ts'
import { resourceIds } from '../../alto/resources.ts'
import { requireVisible } from '../access.ts'
import type { Manifest } from '../../store/manifest.ts'
import type { AppEnv } from '../env.ts'
import { readAltoRequest, requestVersion, requireAcceptable, type AppContext } from '../http.ts'
import {
  aneNamingOf,
  pathVectorAnswer,
  pathVectorsOr404,
  planPathVectorCostMap,
  planPathVectorEndpointCost,
  type PathVectorPlan,
} from '../path-vector-answers.ts'
import { phaseDone } from '../phases.ts'
import { networkMapOr404 } from '../resources.ts'
import { clientEndpoint } from './endpoint-cost.ts'

/** The answer to `plan`, ANEs named as `ALTO_PV_ANE_NAMES` says, as a multipart response. */
async function multipartResponse(
  c: AppContext,
  manifest: Manifest,
  plan: PathVectorPlan
): Promise<Response> {
  const naming = aneNamingOf(c.env.ALTO_PV_ANE_NAMES)
  const answer = await pathVectorAnswer(c.env.ALTO_KV, manifest, plan, naming)
  const m = {
    ...answer,
    boundary: randomBoundary(),
    domain: contentIdDomain(new URL(c.req.url).hostname),
  }
  const body = writeMultipartPathVector(m)
  phaseDone('serialise')
  return new Response(body, {
    headers: { 'Content-Type': multipartContentType(m), 'Cache-Control': 'no-store' },
  })
}

export const pathVectorRoutes = new Hono<AppEnv>()
  .post('/costmap/:nm/pv', async (c) => {
    const { manifest } = await requestVersion(c)
    const nmId = c.req.param('nm')
    networkMapOr404(manifest, nmId)
    pathVectorsOr404(manifest, nmId)
    await requireVisible(c, resourceIds.pathVectorCostMap(nmId))
    requireAcceptable(c, MULTIPART_RELATED)
    const request = await readAltoRequest(c, MEDIA_TYPES.costMapFilter, pathVectorCostMapRequest)
    const plan = planPathVectorCostMap(manifest, nmId, request)
    phaseDone('validate')
    return multipartResponse(c, manifest, plan)
  })
  .all('/costmap/:nm/pv', () => httpFail({ kind: 'method-not-allowed', allow: ['POST'] }))
  .post('/endpointcost/:nm/pv', async (c) => {
    const { manifest } = await requestVersion(c)
    const nmId = c.req.param('nm')
    networkMapOr404(manifest, nmId)
    pathVectorsOr404(manifest, nmId)
    await requireVisible(c, resourceIds.pathVectorEndpointCost(nmId))
    requireAcceptable(c, MULTIPART_RELATED)
    const request = await readAltoRequest(
      c,
      MEDIA_TYPES.endpointCostParams,
      pathVectorEndpointCostRequest
    )
    const plan = planPathVectorEndpointCost(manifest, nmId, request, clientEndpoint(c))
    phaseDone('validate')
    return multipartResponse(c, manifest, plan)
  })
  .all('/endpointcost/:nm/pv', () => httpFail({ kind: 'method-not-allowed', allow: ['POST'] }))
