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
import { parseAddressBatch, type AddressBatch } from '../../alto/address-batch.ts'
import { altoFail, httpFail } from '../../alto/errors.ts'
import { MAX_ENDPOINT_COST_PAIRS } from '../../alto/limits.ts'
import { MEDIA_TYPES } from '../../alto/media-types.ts'
import { endpointCostRequest } from '../../alto/request-schemas.ts'
import {
  writeEndpointCostMap,
  writeMultiEndpointCostMap,
  type VersionTag,
} from '../../alto/responses.ts'
import { typedAddressOfIp } from '../../alto/typed-address.ts'
import { resourceIds } from '../../alto/resources.ts'
import type { CostMapEntry } from '../../store/manifest.ts'
import { sha256Hex } from '../../tables/bytes.ts'
import { requireVisible } from '../access.ts'
import type { AppEnv } from '../env.ts'
import { phaseDone } from '../phases.ts'
import {
  altoTextResponse,
  readAltoRequest,
  requestVersion,
  requireAcceptable,
  type AppContext,
} from '../http.ts'
import { costColumns, isSingleCost, planCostRequest, singleCostAccept } from '../cost-plan.ts'
import { networkMapOr404, networkMapVtag } from '../resources.ts'
import { pidIndexes } from '../tables.ts'

/** The request's client as a canonical typed address, or null when the platform did not supply it. */
export function clientEndpoint(c: AppContext): string | null {
  const ip = c.req.header('CF-Connecting-IP')
  if (!ip) return null
  return typedAddressOfIp(ip.trim())?.text ?? null
}

/** Derived tags by `nm vtag \n cm tag` (a few versions live in an isolate at a time). */
const derivedTags = new Map<string, string>()
const MAX_DERIVED_TAGS = 64

/**
 * The endpoint cost resource's version tag for answers from `nmTag` and the cost maps `cms` (one
 * for an RFC 7285 request; every returned and tested one for RFC 8189, in first-use order).
 */
async function endpointCostVtag(
  nm: string,
  nmTag: string,
  cms: readonly CostMapEntry[]
): Promise<VersionTag> {
  const key = [nmTag, ...cms.map((cm) => cm.tag)].join('\n')
  let tag = derivedTags.get(key)
  if (tag === undefined) {
    tag = await sha256Hex(key)
    if (derivedTags.size >= MAX_DERIVED_TAGS) derivedTags.clear()
    derivedTags.set(key, tag)
  }
  return { 'resource-id': resourceIds.endpointCost(nm), tag }
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
    const plan = planCostRequest(manifest, nmId, request)
    const { srcs, dsts } = endpointBatches(c, request.endpoints)
    phaseDone('validate')
    const single = isSingleCost(plan)
    const [pidsOf, columns] = await Promise.all([
      pidIndexes(c.env.ALTO_KV, nm),
      costColumns(c, plan),
    ])
    const dependentVtag = networkMapVtag(manifest, nmId)
    const vtag = await endpointCostVtag(nmId, dependentVtag.tag, [
      ...new Set([...plan.values, ...plan.tests]),
    ])
    const srcPids = pidsOf(srcs)
    const dstPids = pidsOf(dsts)
    phaseDone('lookup')
    const endpoints = {
      srcs: { batch: srcs, indexes: srcPids },
      dsts: { batch: dsts, indexes: dstPids },
      vtag,
      dependentVtag,
    }
    const text = single
      ? writeEndpointCostMap({
          ...endpoints,
          costs: columns.values[0],
          accept: singleCostAccept(plan),
          costType: columns.costTypes[0],
        })
      : writeMultiEndpointCostMap({ ...endpoints, columns })
    const response = altoTextResponse(text, MEDIA_TYPES.endpointCost)
    phaseDone('serialise')
    return response
  })
  .all('/endpointcost/:nm/lookup', () => httpFail({ kind: 'method-not-allowed', allow: ['POST'] }))

/**
 * The request's §11.5.1.3 `endpoints` as address batches: both lists empty is
 * E_INVALID_FIELD_VALUE; one empty list stands for the client's own address (CF-Connecting-IP),
 * E_MISSING_FIELD when the platform gave none; more than MAX_ENDPOINT_COST_PAIRS pairs is
 * refused. Shared by the endpoint cost and the path-vector endpoint cost services.
 */
export function endpointBatches(
  c: AppContext,
  endpoints: { srcs?: string[]; dsts?: string[] }
): { srcs: AddressBatch; dsts: AddressBatch } {
  const srcTexts = endpoints.srcs ?? []
  const dstTexts = endpoints.dsts ?? []
  // §11.5.1.3: "The ALTO client MUST NOT specify both srcs and dsts as empty".
  if (srcTexts.length === 0 && dstTexts.length === 0) {
    altoFail({
      code: 'E_INVALID_FIELD_VALUE',
      field: 'endpoints',
      value: errorValueOfEmpty(endpoints),
    })
  }
  let srcs = parseAddressBatch(srcTexts, 'endpoints/srcs')
  let dsts = parseAddressBatch(dstTexts, 'endpoints/dsts')
  if (srcs.texts.length === 0 || dsts.texts.length === 0) {
    const client = clientEndpoint(c)
    if (!client)
      altoFail({
        code: 'E_MISSING_FIELD',
        field: srcs.texts.length === 0 ? 'endpoints/srcs' : 'endpoints/dsts',
      })
    if (srcs.texts.length === 0) srcs = parseAddressBatch([client], 'endpoints/srcs')
    else dsts = parseAddressBatch([client], 'endpoints/dsts')
  }
  if (srcs.texts.length * dsts.texts.length > MAX_ENDPOINT_COST_PAIRS) {
    altoFail({
      code: 'E_INVALID_FIELD_VALUE',
      field: 'endpoints',
      value: `${srcs.texts.length}×${dsts.texts.length} pairs; at most ${MAX_ENDPOINT_COST_PAIRS} are served per request`,
    })
  }
  return { srcs, dsts }
}

export function errorValueOfEmpty(endpoints: { srcs?: string[]; dsts?: string[] }): string {
  return JSON.stringify({ srcs: endpoints.srcs ?? [], dsts: endpoints.dsts ?? [] })
}
