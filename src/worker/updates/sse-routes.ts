/**
 * @module ALTO/SSE (RFC 8895) routes: the update stream service and its stream control service.
 *
 *   POST /updates/stream              application/alto-updatestreamparams+json → text/event-stream
 *   POST /updates/streams/<id>        application/alto-updatestreamparams+json → 204 / 400 / 404
 *
 * The opening request is validated here (§6.6: on any error "the server MUST NOT create a
 * stream"); a valid one gets a fresh `UpdateStream` object whose id is the control URI's last
 * segment, and that object answers with the event stream (stream.ts).
 */
import { Hono } from 'hono'
import * as z from 'zod'
import { altoFail, httpFail } from '../../alto/errors.ts'
import { MEDIA_TYPES } from '../../alto/media-types.ts'
import { isJsonObject } from '../../updates/json.ts'
import { validateOpenRequest, type AddUpdateReq } from '../../updates/sse.ts'
import type { AppEnv } from '../env.ts'
import { readAltoRequest, requestVersion, requireAcceptable, type AppContext } from '../http.ts'
import { clientEndpoint } from '../routes/endpoint-cost.ts'
import { rateLimitKey } from '../middleware/rate-limit.ts'
import { capFrom, clientLeases, DEFAULT_MAX_STREAMS_PER_CLIENT } from './client-leases.ts'
import { updateStreamResource } from './common.ts'
import { inputAnswer, validateAddInputs, type InputAnswer } from './inputs.ts'
import { contentIdDomain } from '../../alto/path-vector.ts'
import {
  DEFAULT_IDLE_SECONDS,
  MAX_INPUT_SUBSTREAMS,
  type ControlInputs,
  type OpenStreamInit,
} from './stream.ts'

const anyJson = z.unknown()

/** Durable Object ids are 64 hex digits. */
const STREAM_ID = /^[0-9a-f]{64}$/

export const controlPath = (streamId: string): string => `/updates/streams/${streamId}`

/** RFC 8895 §10.1: too many substreams with input on one stream is 503, nothing changed. */
function tooManyInputs(): never {
  return httpFail({
    kind: 'rate-limited',
    status: 503,
    retryAfterSeconds: 60,
    reason: `at most ${MAX_INPUT_SUBSTREAMS} substreams with input per update stream; use another stream or remove some`,
  })
}

/**
 * The POST-mode substreams of `add`, validated as their POST services validate (throws the ALTO
 * error), with their first answers computed at the request's version, once per distinct input.
 */
async function addInputs(c: AppContext, add: Record<string, AddUpdateReq>): Promise<ControlInputs> {
  const { manifest } = await requestVersion(c)
  // RFC 9275 §6.6: the Content-IDs of a multipart answer name the server's domain.
  const domain = contentIdDomain(new URL(c.req.url).hostname)
  const inputs = validateAddInputs(manifest, add, clientEndpoint(c), domain)
  const byKey = new Map<string, Promise<InputAnswer>>()
  const initial: Record<string, InputAnswer> = {}
  for (const [sid, input] of Object.entries(inputs)) {
    let answer = byKey.get(input.key)
    if (!answer) byKey.set(input.key, (answer = inputAnswer(c.env.ALTO_KV, manifest, input)))
    initial[sid] = await answer
  }
  return { inputs, initial, version: manifest.version }
}

export const sseRoutes = new Hono<AppEnv>()
  .post('/updates/stream', async (c) => {
    const resource = await updateStreamResource(c)
    if (!resource) httpFail({ kind: 'not-found' })
    requireAcceptable(c, MEDIA_TYPES.eventStream)
    const body = await readAltoRequest(c, MEDIA_TYPES.updateStreamParams, anyJson)
    const request = validateOpenRequest(body, { uses: new Set(resource.uses) })
    if (!request.ok) altoFail(request.error)
    // §6.6: a missing or invalid input gets the error its resource would return; no stream.
    const inputs = await addInputs(c, request.value.add)
    if (Object.keys(inputs.inputs).length > MAX_INPUT_SUBSTREAMS) tooManyInputs()
    const env = c.env
    const id = env.ALTO_UPDATE_STREAM.newUniqueId()
    // Per-client cap on open streams (client-leases.ts); loopback clients are not capped.
    const clientKey = rateLimitKey(c)
    if (clientKey) {
      const max = capFrom(env.ALTO_SSE_MAX_STREAMS_PER_CLIENT, DEFAULT_MAX_STREAMS_PER_CLIENT)
      if (!(await clientLeases(env, clientKey).acquire(id.toString(), 'stream', max))) {
        httpFail({
          kind: 'rate-limited',
          status: 429,
          retryAfterSeconds: 60,
          reason: `at most ${max} open update streams per client; close one first`,
        })
      }
    }
    const init: OpenStreamInit = {
      clientKey,
      idleSeconds: capFrom(env.ALTO_SSE_IDLE_SECONDS, DEFAULT_IDLE_SECONDS),
      request: request.value,
      controlUri: new URL(controlPath(id.toString()), c.req.url).href,
      uses: [...resource.mediaTypes],
      shards: [...resource.shards],
      ...inputs,
    }
    return env.ALTO_UPDATE_STREAM.get(id).fetch('https://update-stream.invalid/open', {
      method: 'POST',
      body: JSON.stringify(init),
    })
  })
  .post('/updates/streams/:id', async (c) => {
    const streamId = c.req.param('id')
    if (!STREAM_ID.test(streamId)) httpFail({ kind: 'not-found' })
    const resource = await updateStreamResource(c)
    if (!resource) httpFail({ kind: 'not-found' })
    const body = await readAltoRequest(c, MEDIA_TYPES.updateStreamParams, anyJson)
    // §7.5: an added POST-mode resource is processed as in §6.5-§6.6 (validated here, where the
    // request's version and client address are known); the rest of the request by the stream.
    let inputs: ControlInputs | undefined
    if (isJsonObject(body) && isJsonObject(body.add) && Object.keys(body.add).length > 0) {
      const add = validateOpenRequest({ add: body.add }, { uses: new Set(resource.uses) })
      if (!add.ok) altoFail(add.error)
      inputs = await addInputs(c, add.value.add)
    }
    const env = c.env
    let id: DurableObjectId
    try {
      id = env.ALTO_UPDATE_STREAM.idFromString(streamId)
    } catch {
      return httpFail({ kind: 'not-found' })
    }
    const result = await env.ALTO_UPDATE_STREAM.get(id).control(body, inputs)
    if (result.status === 404) httpFail({ kind: 'not-found' })
    if (result.status === 503) tooManyInputs()
    if (result.status === 400) altoFail(result.error)
    return new Response(null, { status: 204, headers: { 'Cache-Control': 'no-store' } })
  })
  .all('/updates/stream', () => httpFail({ kind: 'method-not-allowed', allow: ['POST'] }))
  .all('/updates/streams/:id', () => httpFail({ kind: 'method-not-allowed', allow: ['POST'] }))
