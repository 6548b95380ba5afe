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
 *
 * `meta.vtag` (not required by §11.5.1.6, added for clients that read it, e.g. openalto):
 * resource id = this endpoint cost resource, tag = SHA-256 hex of the network map's vtag and the
 * cost map's tag (RFC 8189: the tags of every cost map the answer read) — the same answer source,
 * the same tag.
 */
import { Hono } from 'hono'
import type { AddressBatch } from '../../alto/address-batch.ts'
import type { ListPath } from '../../alto/address-scan.ts'
import { httpFail } from '../../alto/errors.ts'
import { MEDIA_TYPES } from '../../alto/media-types.ts'
import { endpointCostRequest } from '../../alto/request-schemas.ts'
import { typedAddressOfIp } from '../../alto/typed-address.ts'
import { resourceIds } from '../../alto/resources.ts'
import { requireVisible } from '../access.ts'
import type { AppEnv } from '../env.ts'
import { phaseDone } from '../phases.ts'
import {
  altoTextResponse,
  readAltoAddressRequest,
  requestVersion,
  requireAcceptable,
  type AppContext,
} from '../http.ts'
import { endpointBatchesFor, endpointCostBytes, planEndpointCost } from '../cost-answers.ts'
import { networkMapOr404 } from '../resources.ts'

/** The request's client as a canonical typed address, or null when the platform did not supply it. */
export function clientEndpoint(c: AppContext): string | null {
  const ip = c.req.header('CF-Connecting-IP')
  if (!ip) return null
  return typedAddressOfIp(ip.trim())?.text ?? null
}

/** The request's address lists (RFC 7285 §11.5.1.3), read from the body's bytes when it allows. */
const ENDPOINT_LISTS: readonly ListPath[] = [
  ['endpoints', 'srcs'],
  ['endpoints', 'dsts'],
]

export const endpointCostRoutes = new Hono<AppEnv>()
  .post('/endpointcost/:nm/lookup', async (c) => {
    const version = await requestVersion(c)
    const { manifest } = version
    const nmId = c.req.param('nm')
    networkMapOr404(manifest, nmId)
    await requireVisible(c, resourceIds.endpointCost(nmId))
    requireAcceptable(c, MEDIA_TYPES.endpointCost)
    const { request, batches } = await readAltoAddressRequest(
      c,
      MEDIA_TYPES.endpointCostParams,
      endpointCostRequest,
      ENDPOINT_LISTS
    )
    const planned = planEndpointCost(manifest, nmId, request, clientEndpoint(c), {
      srcs: batches[0],
      dsts: batches[1],
    })
    phaseDone('validate')
    const bytes = await endpointCostBytes(c.env.ALTO_KV, manifest, planned)
    const response = altoTextResponse(bytes, MEDIA_TYPES.endpointCost)
    phaseDone('serialise')
    return response
  })
  .all('/endpointcost/:nm/lookup', () => httpFail({ kind: 'method-not-allowed', allow: ['POST'] }))

/**
 * The request's §11.5.1.3 `endpoints` as address batches (cost-answers.ts `endpointBatchesFor`),
 * the client's own address from CF-Connecting-IP. Shared by the endpoint cost and the path-vector
 * endpoint cost services.
 */
export function endpointBatches(
  c: AppContext,
  endpoints: { srcs?: string[]; dsts?: string[] }
): { srcs: AddressBatch; dsts: AddressBatch } {
  return endpointBatchesFor(clientEndpoint(c), endpoints)
}
