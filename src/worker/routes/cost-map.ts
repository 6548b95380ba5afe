/**
 * @module Cost maps: full map `GET /costmap/:id` (RFC 7285 §11.2.3, one per network map × cost
 * type, served from the prebuilt JSON blob) and filtered map `POST /costmap/:nm/filtered`
 * (§11.3.2), computed from the COST_MATRIX and the PID table.
 *
 * A filtered request for the whole map — both pid lists absent or empty once unknown names are
 * dropped (§11.3.2.3: "If a list is empty, the ALTO server MUST interpret it as the full set of
 * currently defined PIDs") and no constraints — is answered with the prebuilt full map: the
 * same bytes and ETag as `GET /costmap/<id>` (its meta is the §11.3.2.6 meta: the network map's
 * vtag and the cost type, which may carry its `description` as the GET does). Any other request
 * is computed; above {@link STREAMED_COST_PAIRS} pairs the rows are streamed as they are
 * written, so the isolate holds one chunk of the answer, not the answer (the 2,500-PID map's
 * 6.25 M pairs included). There is no pair limit: a filtered map is never larger than the full
 * map the same server serves by GET.
 */
import { Hono } from 'hono'
import { httpFail } from '../../alto/errors.ts'
import { MEDIA_TYPES } from '../../alto/media-types.ts'
import { strongEtag } from '../../alto/negotiation.ts'
import { filteredCostMapRequest } from '../../alto/request-schemas.ts'
import { STREAMED_COST_PAIRS } from '../../alto/responses.ts'
import { resourceIds } from '../../alto/resources.ts'
import { requireVisible } from '../access.ts'
import type { AppEnv } from '../env.ts'
import { phaseDone } from '../phases.ts'
import {
  EDGE_CACHE_MAX_AGE_SECONDS,
  edgeCacheKey,
  serveBlobThroughEdgeCache,
  serveFullResource,
} from '../full-resource.ts'
import { altoTextResponse, readAltoRequest, requestVersion, requireAcceptable } from '../http.ts'
import { filteredCostMapAnswer, planFilteredCostMap } from '../cost-answers.ts'
import { costMapOr404, networkMapOr404 } from '../resources.ts'

export const costMapRoutes = new Hono<AppEnv>()
  .get('/costmap/:id', async (c) => {
    const version = await requestVersion(c)
    const id = c.req.param('id')
    const cm = costMapOr404(version.manifest, id)
    await requireVisible(c, id)
    return serveFullResource(c, version, {
      cacheId: costMapCacheId(id),
      etag: strongEtag(cm.tag),
      mediaType: MEDIA_TYPES.costMap,
      blob: cm.json,
    })
  })
  .post('/costmap/:nm/filtered', async (c) => {
    const version = await requestVersion(c)
    const { manifest } = version
    const nmId = c.req.param('nm')
    networkMapOr404(manifest, nmId)
    await requireVisible(c, resourceIds.filteredCostMap(nmId))
    requireAcceptable(c, MEDIA_TYPES.costMap)
    const request = await readAltoRequest(c, MEDIA_TYPES.costMapFilter, filteredCostMapRequest)
    const planned = planFilteredCostMap(manifest, nmId, request)
    phaseDone('validate')
    // The matrices are read only when the answer is computed (the whole map is its prebuilt blob).
    const answer = await filteredCostMapAnswer(c.env.ALTO_KV, manifest, planned)
    if (answer.kind === 'whole') {
      const cm = answer.costMap
      phaseDone('lookup')
      return serveBlobThroughEdgeCache(c, {
        key: edgeCacheKey(manifest.version, costMapCacheId(answer.id)),
        blob: cm.json,
        headers: new Headers({
          'Content-Type': MEDIA_TYPES.costMap,
          ETag: strongEtag(cm.tag),
          'Cache-Control': 'no-store',
        }),
        storedCacheControl: `public, max-age=${EDGE_CACHE_MAX_AGE_SECONDS}`,
      })
    }
    if (answer.pairs > STREAMED_COST_PAIRS) {
      return altoTextResponse(textStream(answer.pieces()), MEDIA_TYPES.costMap)
    }
    const bytes = answer.bytes()
    phaseDone('lookup')
    const response = altoTextResponse(bytes, MEDIA_TYPES.costMap)
    phaseDone('serialise')
    return response
  })
  .all('/costmap/:id', () => httpFail({ kind: 'method-not-allowed', allow: ['GET', 'HEAD'] }))
  .all('/costmap/:nm/filtered', () => httpFail({ kind: 'method-not-allowed', allow: ['POST'] }))

/** The edge-cache id of a full cost map (shared by GET and whole-map filtered requests). */
function costMapCacheId(id: string): string {
  return `costmap/${encodeURIComponent(id)}`
}

/** Bytes per streamed chunk (a few rows of a large map). */
const STREAM_CHUNK_CHARS = 64 * 1024

/** A byte stream of text pieces, pulled as the client reads (about 64 KB per chunk). */
function textStream(pieces: Iterator<string>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder()
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      let chunk = ''
      while (chunk.length < STREAM_CHUNK_CHARS) {
        const next = pieces.next()
        if (next.done) {
          if (chunk !== '') controller.enqueue(encoder.encode(chunk))
          controller.close()
          return
        }
        chunk += next.value
      }
      controller.enqueue(encoder.encode(chunk))
    },
  })
}
