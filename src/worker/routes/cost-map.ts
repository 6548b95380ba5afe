/**
 * @module Cost maps: full map `GET /costmap/:id` (RFC 7285 §11.2.3, one per network map × cost
 * type, served from the prebuilt JSON blob) and filtered map `POST /costmap/:nm/filtered`
 * (§11.3.2), computed from the COST_MATRIX and the PID table — never from the JSON.
 */
import { Hono } from 'hono'
import { altoFail, httpFail } from '../../alto/errors.ts'
import { constraintPredicate, parseConstraints } from '../../alto/constraints.ts'
import { MAX_COST_PAIRS } from '../../alto/limits.ts'
import { MEDIA_TYPES } from '../../alto/media-types.ts'
import { strongEtag } from '../../alto/negotiation.ts'
import { filteredCostMapRequest } from '../../alto/request-schemas.ts'
import { buildFilteredCostMap, selectPids } from '../../alto/responses.ts'
import { resourceIds } from '../../alto/resources.ts'
import { requireVisible } from '../access.ts'
import type { AppEnv } from '../env.ts'
import { serveFullResource } from '../full-resource.ts'
import { altoJsonResponse, readAltoRequest, requestVersion, requireAcceptable } from '../http.ts'
import { costMapForType, costMapOr404, networkMapOr404, networkMapVtag } from '../resources.ts'
import { costMatrix, pidTable } from '../tables.ts'

export const costMapRoutes = new Hono<AppEnv>()
  .get('/costmap/:id', async (c) => {
    const version = await requestVersion(c)
    const id = c.req.param('id')
    const cm = costMapOr404(version.manifest, id)
    await requireVisible(c, id)
    return serveFullResource(c, version, {
      cacheId: `costmap/${encodeURIComponent(id)}`,
      etag: strongEtag(cm.tag),
      mediaType: MEDIA_TYPES.costMap,
      blob: cm.json,
    })
  })
  .post('/costmap/:nm/filtered', async (c) => {
    const version = await requestVersion(c)
    const { manifest } = version
    const nmId = c.req.param('nm')
    const nm = networkMapOr404(manifest, nmId)
    await requireVisible(c, resourceIds.filteredCostMap(nmId))
    requireAcceptable(c, MEDIA_TYPES.costMap)
    const request = await readAltoRequest(c, MEDIA_TYPES.costMapFilter, filteredCostMapRequest)
    const cm = costMapForType(manifest, nmId, request['cost-type'])
    const constraints = parseConstraints(request.constraints)
    if (!constraints.ok) altoFail(constraints.error)
    const [pids, costs] = await Promise.all([
      pidTable(c.env.ALTO_KV, nm),
      costMatrix(c.env.ALTO_KV, cm),
    ])
    // §11.3.2.3/§11.3.2.6: unknown PIDs are dropped; a list left empty (or absent) means all PIDs.
    const srcs = selectPids(pids, request.pids?.srcs)
    const dsts = selectPids(pids, request.pids?.dsts)
    if (srcs.length * dsts.length > MAX_COST_PAIRS) {
      altoFail({
        code: 'E_INVALID_FIELD_VALUE',
        field: 'pids',
        value: `${srcs.length}×${dsts.length} pairs; at most ${MAX_COST_PAIRS} are served per request`,
      })
    }
    const body = buildFilteredCostMap({
      pids,
      costs,
      srcs,
      dsts,
      accept: constraintPredicate(constraints.constraints),
      dependentVtag: networkMapVtag(manifest, nmId),
      costType: cm['cost-type'],
    })
    return altoJsonResponse(body, MEDIA_TYPES.costMap)
  })
  .all('/costmap/:id', () => httpFail({ kind: 'method-not-allowed', allow: ['GET', 'HEAD'] }))
  .all('/costmap/:nm/filtered', () => httpFail({ kind: 'method-not-allowed', allow: ['POST'] }))
