/**
 * @module Endpoint cost service `POST /endpointcost/:nm/lookup` (RFC 7285 §11.5.1): the cost
 * between two addresses is the cost between their longest-prefix-match PIDs in network map `nm`,
 * from the cost map of the requested cost type.
 *
 * Client address (§11.5.1.3: "If the list [srcs or dsts] is empty (or not included), the ALTO
 * server MUST interpret it as if it contained the Endpoint Address corresponding to the client
 * IP address from the incoming connection"): taken ONLY from `CF-Connecting-IP`, which Cloudflare
 * sets to the address of the connection's client and which a client cannot forge through the
 * edge. `X-Forwarded-For` is client-controlled and never used. Without `CF-Connecting-IP` (local
 * runs) an empty list cannot be interpreted and is reported as `E_MISSING_FIELD`.
 */
import { Hono } from 'hono'
import { altoFail, httpFail } from '../../alto/errors.ts'
import { constraintPredicate, parseConstraints } from '../../alto/constraints.ts'
import { MAX_ENDPOINT_COST_PAIRS } from '../../alto/limits.ts'
import { MEDIA_TYPES } from '../../alto/media-types.ts'
import { endpointCostRequest } from '../../alto/request-schemas.ts'
import { buildEndpointCostMap, type Endpoint } from '../../alto/responses.ts'
import { typedAddressOfIp } from '../../alto/typed-address.ts'
import { resourceIds } from '../../alto/resources.ts'
import { requireVisible } from '../access.ts'
import type { AppEnv } from '../env.ts'
import {
  altoJsonResponse,
  readAltoRequest,
  requestVersion,
  requireAcceptable,
  type AppContext,
} from '../http.ts'
import { costMapForType, networkMapOr404, networkMapVtag } from '../resources.ts'
import { costMatrix, pidLookup } from '../tables.ts'
import { parseEndpoints } from './endpoint-property.ts'

/** The request's client as a typed endpoint, or null when the platform did not supply it. */
function clientEndpoint(c: AppContext): Endpoint | null {
  const ip = c.req.header('CF-Connecting-IP')
  if (!ip) return null
  const typed = typedAddressOfIp(ip.trim())
  return typed ? { text: typed.text, address: typed.address } : null
}

export const endpointCostRoutes = new Hono<AppEnv>()
  .post('/endpointcost/:nm/lookup', async (c) => {
    const version = await requestVersion(c)
    const { manifest } = version
    const nmId = c.req.param('nm')
    const nm = networkMapOr404(manifest, nmId)
    await requireVisible(c, resourceIds.endpointCost(nmId))
    requireAcceptable(c, MEDIA_TYPES.endpointCost)
    const request = await readAltoRequest(c, MEDIA_TYPES.endpointCostParams, endpointCostRequest)
    const cm = costMapForType(manifest, nmId, request['cost-type'])
    const constraints = parseConstraints(request.constraints)
    if (!constraints.ok) altoFail(constraints.error)
    const srcTexts = request.endpoints.srcs ?? []
    const dstTexts = request.endpoints.dsts ?? []
    // §11.5.1.3: "The ALTO client MUST NOT specify both srcs and dsts as empty".
    if (srcTexts.length === 0 && dstTexts.length === 0) {
      altoFail({
        code: 'E_INVALID_FIELD_VALUE',
        field: 'endpoints',
        value: errorValueOfEmpty(request.endpoints),
      })
    }
    const srcs = parseEndpoints(srcTexts, 'endpoints/srcs')
    const dsts = parseEndpoints(dstTexts, 'endpoints/dsts')
    if (srcs.length === 0 || dsts.length === 0) {
      const client = clientEndpoint(c)
      if (!client)
        altoFail({
          code: 'E_MISSING_FIELD',
          field: srcs.length === 0 ? 'endpoints/srcs' : 'endpoints/dsts',
        })
      if (srcs.length === 0) srcs.push(client)
      else dsts.push(client)
    }
    if (srcs.length * dsts.length > MAX_ENDPOINT_COST_PAIRS) {
      altoFail({
        code: 'E_INVALID_FIELD_VALUE',
        field: 'endpoints',
        value: `${srcs.length}×${dsts.length} pairs; at most ${MAX_ENDPOINT_COST_PAIRS} are served per request`,
      })
    }
    const [pidOf, costs] = await Promise.all([
      pidLookup(c.env.ALTO_KV, nm),
      costMatrix(c.env.ALTO_KV, cm),
    ])
    const body = buildEndpointCostMap({
      srcs,
      dsts,
      pidOf,
      costs,
      accept: constraintPredicate(constraints.constraints),
      dependentVtag: networkMapVtag(manifest, nmId),
      costType: cm['cost-type'],
    })
    return altoJsonResponse(body, MEDIA_TYPES.endpointCost)
  })
  .all('/endpointcost/:nm/lookup', () => httpFail({ kind: 'method-not-allowed', allow: ['POST'] }))

function errorValueOfEmpty(endpoints: { srcs?: string[]; dsts?: string[] }): string {
  return JSON.stringify({ srcs: endpoints.srcs ?? [], dsts: endpoints.dsts ?? [] })
}
