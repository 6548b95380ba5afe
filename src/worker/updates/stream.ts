/**
 * @module `UpdateStream`: one Durable Object per ALTO/SSE update stream (RFC 8895). It owns the
 * client's `text/event-stream` body (a TransformStream), the stream-control state, and what each
 * substream has been sent. Its id (random, 256 bits, from `newUniqueId`) is the last segment of
 * the control URI `/updates/streams/<id>` — §7.1: the URI alone identifies the stream, "random
 * enough to resist guessing"; an id that does not parse is a 404 before any object is reached.
 *
 *   open    first event `{"control-uri": …}` (§6.7 MUST), then for every substream without a
 *           current `tag` a full replacement, network maps before the cost maps that depend on
 *           them (§6.7.2); registers with the hub.
 *   publish (from the hub) the new logs: per substream, the merge patches from the seq it holds to
 *           the new end-seq (from the update log's immutable patch blobs), or one full replacement
 *           when `incremental-changes` is false or it fell behind the log's window. Network maps
 *           first.
 *   control POST to the control URI: add (→ `started` + full data), remove (→ `stopped`),
 *           `remove: []` closes (§7.6). Answered 204: the state changes before the
 *           response; the events follow on the stream.
 *   keep-alive a comment every 15 s (§6.8).
 *   input   a substream of a POST-mode resource (§6.5 `input`: the filtered cost map or endpoint
 *           cost service, inputs.ts) starts with the answer the Worker computed for the add
 *           request; at each new version (the hub calls with {@link EVERY_VERSION}) the answer
 *           is recomputed, once per distinct input, and sent as a merge patch from the last one
 *           (a cost that no longer passes a constraint is a `null` member, §9.3), or in full when
 *           `incremental-changes` is false; nothing when it did not change (§6.6). An input that
 *           a later version no longer accepts stops its substream (`stopped`, with the error).
 *
 * All writes go through one promise chain, so events never interleave or reorder. A write that
 * fails (client gone) closes the stream and unregisters it from the hub.
 */
import { DurableObject } from 'cloudflare:workers'
import type { Env } from '../env.ts'
import { failureResponse, RequestFailureError, type AltoError } from '../../alto/errors.ts'
import { edgeItem } from '../../updates/history.ts'
import { type UpdateLog } from '../../store/update-log.ts'
import {
  KEEPALIVE_INTERVAL_MS,
  applyControlRequest,
  formatControlEvent,
  formatKeepAlive,
  formatSseEvent,
  multipartEventLines,
  openStreamState,
  splitJsonLines,
  sseEventType,
  type AddUpdateReq,
  type StreamState,
  type UpdateStreamReq,
} from '../../updates/sse.ts'
import type { BlobRef } from '../../store/manifest.ts'
import { readBlobBytes } from '../store.ts'
import { clientLeases } from './client-leases.ts'
import { byShard, endSeqOf, hubStub, readCurrentPointer } from './common.ts'
import { MEDIA_TYPES } from '../../alto/media-types.ts'
import { createMergePatch, MergePatchUnrepresentableError } from '../../updates/merge-patch.ts'
import { readManifest } from '../../store/read.ts'
import type { Manifest } from '../../store/manifest.ts'
import { kvStoreReader } from '../store.ts'
import { EVERY_VERSION } from './hub.ts'
import { inputAnswer, type InputAnswer, type StreamInput } from './inputs.ts'
import { randomBoundary } from '../../alto/path-vector.ts'

/** What the Worker hands the object to open a stream. */
export interface OpenStreamInit {
  request: UpdateStreamReq
  controlUri: string
  /** `uses` the client may see, and their media types. */
  uses: [resourceId: string, mediaType: string][]
  /** The hub shard of each of `uses` (common.ts hubShardOf). */
  shards: [resourceId: string, shard: string][]
  /** The client's lease key (client-leases.ts), or null when the client is not capped. */
  clientKey: string | null
  /** `ALTO_SSE_IDLE_SECONDS` of the request's environment. */
  idleSeconds: number
  /** POST-mode substreams (§6.5 `input`) of `request.add`, validated (inputs.ts). */
  inputs: Record<string, StreamInput>
  /** Their first answers, computed by the Worker at {@link version}. */
  initial: Record<string, InputAnswer>
  /** The version (manifest id) the Worker answered from. */
  version: string
}

/** POST-mode substreams added by a control request, with their first answers. */
export interface ControlInputs {
  inputs: Record<string, StreamInput>
  initial: Record<string, InputAnswer>
  version: string
}

/** Default of `ALTO_SSE_IDLE_SECONDS`: a stream with no update and no control request is closed. */
export const DEFAULT_IDLE_SECONDS = 3600

interface Substream {
  id: string
  resourceId: string
  mediaType: string
  incremental: boolean
  /** Seq the client holds (0: nothing sent yet). */
  seq: number
  /** A POST-mode substream: its input, the answer the client holds and that answer's version. */
  input?: { request: StreamInput; answer: InputAnswer; version: string }
}

export type ControlResult =
  | { status: 204 }
  | { status: 400; error: AltoError }
  | { status: 404 }
  | { status: 503; reason: string }

/**
 * Most POST-mode substreams (RFC 8895 §6.5 `input`) one stream holds at once: each is recomputed
 * at every publication. RFC 8895 §10.1: the server "SHOULD also choose to limit the number of
 * active substream-ids on any given stream ... In these cases, the update stream server SHOULD
 * return the HTTP status "503 Service Unavailable"".
 */
export const MAX_INPUT_SUBSTREAMS = 16

const decoder = new TextDecoder()
const encoder = new TextEncoder()

export class UpdateStream extends DurableObject<Env> {
  private writer: WritableStreamDefaultWriter<Uint8Array> | null = null
  private state: StreamState | null = null
  private uses = new Map<string, string>()
  private shards = new Map<string, string>()
  private clientKey: string | null = null
  private idleSeconds = DEFAULT_IDLE_SECONDS
  /** Last update event or control request (ms): the idle clock. */
  private lastActivity = Date.now()
  /** Hub shards this stream is registered with (to unsubscribe from each on close). */
  private readonly subscribed = new Set<string>()
  private readonly substreams = new Map<string, Substream>()
  private chain: Promise<void> = Promise.resolve()
  private keepAlive: ReturnType<typeof setInterval> | null = null

  /** POST from the Worker: the body is an {@link OpenStreamInit}; the answer is the event stream. */
  override async fetch(request: Request): Promise<Response> {
    if (this.state)
      return failureResponse({ kind: 'conflict', reason: 'this update stream is open already' })
    const init = (await request.json()) as OpenStreamInit
    this.uses = new Map(init.uses)
    this.shards = new Map(init.shards)
    this.state = openStreamState(init.request)
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>()
    this.writer = writable.getWriter()
    this.enqueue(async () => {
      await this.write(formatControlEvent({ 'control-uri': init.controlUri }))
      await this.start(init.request.add, init)
    })
    this.clientKey = init.clientKey
    this.idleSeconds = init.idleSeconds
    this.lastActivity = Date.now()
    // At least twice per idle period, so a stream is closed within 1.5× its idle time.
    const period = Math.min(KEEPALIVE_INTERVAL_MS, (this.idleSeconds * 1000) / 2)
    this.keepAlive = setInterval(() => this.enqueue(() => this.tick()), period)
    return new Response(readable, {
      headers: {
        'Content-Type': MEDIA_TYPES.eventStream,
        'Cache-Control': 'no-store',
        'X-Accel-Buffering': 'no',
      },
    })
  }

  /** From the hub: newer update logs. False when this stream is closed (the hub forgets it). */
  async publish(logs: UpdateLog[]): Promise<boolean> {
    if (!this.writer || this.state?.closed) return false
    const ordered = [...logs].sort((a, b) => rank(a['media-type']) - rank(b['media-type']))
    this.lastActivity = Date.now()
    this.enqueue(async () => {
      for (const log of ordered) {
        for (const sub of this.substreams.values())
          if (sub.resourceId === log['resource-id'] && !sub.input) await this.catchUp(sub, log)
      }
      // After the maps they depend on (§6.7.1).
      await this.refreshInputs()
    })
    // Not awaited: a slow reader must not stall the hub's fan-out.
    return true
  }

  /** POST to the control URI (§7.6), body already parsed. */
  async control(
    body: unknown,
    inputs: ControlInputs = { inputs: {}, initial: {}, version: '' }
  ): Promise<ControlResult> {
    if (!this.state || !this.writer) return { status: 404 }
    const outcome = applyControlRequest(this.state, body, { uses: new Set(this.uses.keys()) }, true)
    if (!outcome.ok)
      return outcome.status === 400 ? { status: 400, error: outcome.error } : { status: 404 }
    const removed = new Set(outcome.stopped)
    const inputsAfter =
      [...this.substreams.values()].filter((sub) => sub.input && !removed.has(sub.id)).length +
      Object.keys(inputs.inputs).length
    if (inputsAfter > MAX_INPUT_SUBSTREAMS)
      return {
        status: 503,
        reason: `at most ${MAX_INPUT_SUBSTREAMS} substreams with input per update stream`,
      }
    this.lastActivity = Date.now()
    // Applied now (state and substreams); the events follow on the stream in order.
    this.state = outcome.state
    for (const id of outcome.stopped) this.substreams.delete(id)
    const added = Object.keys(outcome.add)
    this.enqueue(async () => {
      if (added.length > 0) {
        await this.write(formatControlEvent({ started: added }))
        await this.start(outcome.add, inputs)
      }
      if (outcome.stopped.length > 0) {
        await this.write(
          formatControlEvent({ stopped: outcome.stopped, description: 'removed by the client' })
        )
      }
      if (outcome.close) await this.close()
    })
    return { status: 204 }
  }

  /** Registers new substreams and sends their initial data, network maps first. */
  private async start(add: Record<string, AddUpdateReq>, inputs: ControlInputs): Promise<void> {
    const added = Object.entries(add).sort(
      ([, a], [, b]) =>
        rank(this.uses.get(a['resource-id'])) - rank(this.uses.get(b['resource-id']))
    )
    // [shard, resource id] pairs to follow: a GET-mode map in its family's hub; a POST-mode
    // substream the logs of its network map and cost maps, and every version, in that map's hub.
    const followed = new Map<string, [string, string]>()
    const follow = (shard: string, rid: string) => followed.set(`${shard}\n${rid}`, [shard, rid])
    const addFollows = (rid: string, input: StreamInput | undefined) => {
      if (!input) return follow(this.shards.get(rid) ?? rid, rid)
      for (const dep of input.follows) follow(input.nm, dep)
      follow(input.nm, EVERY_VERSION)
    }
    for (const s of this.substreams.values()) addFollows(s.resourceId, s.input?.request)
    for (const [id, a] of added) addFollows(a['resource-id'], inputs.inputs[id])
    // One registration per map family's hub (each delivers its family's updates in one batch).
    const groups = byShard([...followed.values()], ([shard]) => shard)
    const logs: Record<string, UpdateLog | null> = {}
    for (const [shard, pairs] of groups) {
      this.subscribed.add(shard)
      const rids = pairs.map(([, rid]) => rid)
      Object.assign(logs, await hubStub(this.env, shard).subscribe(this.ctx.id.toString(), rids))
    }
    for (const [id, req] of added) {
      const sub: Substream = {
        id,
        resourceId: req['resource-id'],
        mediaType: this.uses.get(req['resource-id'])!,
        incremental: req['incremental-changes'] ?? true,
        seq: 0,
      }
      this.substreams.set(id, sub)
      const input = inputs.inputs[id]
      if (input) {
        // §6.7.1: a full replacement first (a `tag` cannot name a POST answer, so none is skipped).
        const answer = inputs.initial[id]
        sub.input = { request: input, answer, version: inputs.version }
        await this.write(this.fullInputEvent(sub, answer))
        continue
      }
      const log = logs[sub.resourceId]
      if (!log) continue // not published with update logs yet: data follows the first publication
      const latest = log.seqs[log.seqs.length - 1]
      // §6.5: a current tag lets the server skip the initial full replacement.
      if (req.tag !== undefined && req.tag === latest.tag) sub.seq = latest.seq
      else await this.sendFull(sub, latest.snapshot, latest.seq)
    }
    // The Worker answered from its (edge-cached) pointer; a newer version is sent at once.
    if (added.some(([id]) => inputs.inputs[id])) await this.refreshInputs()
  }

  /** Brings one substream to the end of `log`: patches when it can, else one full replacement. */
  private async catchUp(sub: Substream, log: UpdateLog): Promise<void> {
    const end = endSeqOf(log)
    if (sub.seq >= end) return
    const start = log.seqs[0].seq
    if (!sub.incremental || sub.seq === 0 || sub.seq < start) {
      await this.sendFull(sub, log.seqs[log.seqs.length - 1].snapshot, end)
      return
    }
    for (let seq = sub.seq + 1; seq <= end; seq++) {
      const item = edgeItem(log, seq - 1, seq)!
      const text = decoder.decode(await readBlobBytes(this.env.ALTO_KV, item.ref))
      await this.write(formatSseEvent(sseEventType(item.mediaType, sub.id), splitJsonLines(text)))
      sub.seq = seq
    }
  }

  /**
   * Brings every POST-mode substream to the current version: its answer recomputed once per
   * distinct input, then per substream nothing (unchanged), a merge patch or a full replacement.
   */
  private async refreshInputs(): Promise<void> {
    const subs = [...this.substreams.values()].filter((s) => s.input)
    if (subs.length === 0) return
    const pointer = await readCurrentPointer(this.env.ALTO_KV)
    if (!pointer) return
    const stale = subs.filter((s) => s.input!.version !== pointer.version)
    if (stale.length === 0) return
    const manifest = await readManifest(kvStoreReader(this.env.ALTO_KV), pointer.version)
    if (!manifest) return
    const answers = new Map<string, Promise<InputAnswer>>()
    const patches = new Map<string, { from: string; event: string }>()
    const failed = new Map<string, string>()
    for (const sub of stale) {
      const input = sub.input!
      const key = input.request.key
      let next: InputAnswer
      try {
        let answer = answers.get(key)
        if (!answer)
          answers.set(key, (answer = inputAnswer(this.env.ALTO_KV, manifest, input.request)))
        next = await answer
      } catch (error) {
        failed.set(sub.id, describeFailure(error))
        continue
      }
      if (next.text !== input.answer.text) {
        await this.write(
          next.parts
            ? this.multipartEvents(sub, input.answer, next, patches)
            : this.inputEvent(sub, input.answer.text, next.text, patches)
        )
        input.answer = next
      }
      input.version = pointer.version
    }
    if (failed.size > 0) await this.stopFailed(failed, manifest)
  }

  /** The event that brings `sub` from answer `from` to `to` (a merge patch when allowed). */
  private inputEvent(
    sub: Substream,
    from: string,
    to: string,
    patches: Map<string, { from: string; event: string }>
  ): string {
    const full = () => formatSseEvent(sseEventType(sub.mediaType, sub.id), splitJsonLines(to))
    if (!sub.incremental) return full()
    const key = sub.input!.request.key
    const cached = patches.get(key)
    let body: string
    if (cached && cached.from === from) body = cached.event
    else {
      try {
        body = JSON.stringify(createMergePatch(JSON.parse(from), JSON.parse(to)))
      } catch (error) {
        if (!(error instanceof MergePatchUnrepresentableError)) throw error
        return full()
      }
      // A patch no smaller than the answer is sent as the answer (RFC 8895 §6.4 full replacement).
      if (body.length >= to.length) return full()
      patches.set(key, { from, event: body })
    }
    return formatSseEvent(sseEventType(MEDIA_TYPES.mergePatch, sub.id), splitJsonLines(body))
  }

  /**
   * A full replacement of an input's answer: its JSON, or (RFC 9275 §8.5, RFC 8895 §6.7.3) the
   * whole multipart message as the event `multipart/related;boundary=…;type=<root>,<sid>`,
   * with the Content-IDs `<part@domain>` the later patches name.
   */
  private fullInputEvent(sub: Substream, answer: InputAnswer): string {
    if (!answer.parts)
      return formatSseEvent(sseEventType(sub.mediaType, sub.id), splitJsonLines(answer.text))
    const boundary = randomBoundary()
    const domain = sub.input!.request.domain
    const type = `multipart/related;boundary=${boundary};type=${answer.parts[0].mediaType}`
    const parts = answer.parts.map((p) => ({
      contentId: `${p.id}@${domain}`,
      mediaType: p.mediaType,
      json: p.json,
    }))
    return formatSseEvent(sseEventType(type, sub.id), multipartEventLines(boundary, parts))
  }

  /**
   * The events that bring a multipart substream from `from` to `to` (RFC 8895 §6.7.3): one merge
   * patch per changed part, root part first, each `application/merge-patch+json` with data-id
   * `<sid>.<part>@<domain>` (§5.2; RFC 9275 §8.5); the whole message again when
   * `incremental-changes` is false, a patch cannot express the change, or the patches are not
   * smaller than the message.
   */
  private multipartEvents(
    sub: Substream,
    from: InputAnswer,
    to: InputAnswer,
    patches: Map<string, { from: string; event: string }>
  ): string {
    const full = () => this.fullInputEvent(sub, to)
    if (!sub.incremental || !from.parts || from.parts.length !== to.parts!.length) return full()
    const domain = sub.input!.request.domain
    const bodies: [dataId: string, patch: string][] = []
    let size = 0
    for (const [k, part] of to.parts!.entries()) {
      const old = from.parts[k]
      if (old.id !== part.id) return full()
      if (old.json === part.json) continue
      const key = `${sub.input!.request.key}\n${k}`
      const cached = patches.get(key)
      let body: string
      if (cached && cached.from === old.json) body = cached.event
      else {
        try {
          body = JSON.stringify(createMergePatch(JSON.parse(old.json), JSON.parse(part.json)))
        } catch (error) {
          if (!(error instanceof MergePatchUnrepresentableError)) throw error
          return full()
        }
        patches.set(key, { from: old.json, event: body })
      }
      size += body.length
      bodies.push([`${sub.id}.${part.id}@${domain}`, body])
    }
    if (size >= to.text.length) return full()
    return bodies
      .map(([dataId, body]) =>
        formatSseEvent(sseEventType(MEDIA_TYPES.mergePatch, dataId), splitJsonLines(body))
      )
      .join('')
  }

  /** Stops substreams whose input the new version refuses (§5.3 `stopped` with the reason). */
  private async stopFailed(failed: Map<string, string>, manifest: Manifest): Promise<void> {
    const ids = [...failed.keys()]
    for (const id of ids) this.substreams.delete(id)
    const active = this.state!.active.filter((id) => !failed.has(id))
    this.state = { ...this.state!, active }
    await this.write(
      formatControlEvent({
        stopped: ids,
        description: `version ${manifest.version} refuses the input: ${[...new Set(failed.values())].join('; ')}`,
      })
    )
    if (active.length === 0) await this.close()
  }

  private async sendFull(sub: Substream, ref: BlobRef, seq: number): Promise<void> {
    const text = decoder.decode(await readBlobBytes(this.env.ALTO_KV, ref))
    await this.write(formatSseEvent(sseEventType(sub.mediaType, sub.id), splitJsonLines(text)))
    sub.seq = seq
  }

  private enqueue(task: () => Promise<void>): void {
    this.chain = this.chain.then(task).catch(async (error: unknown) => {
      console.error(
        'alto-edge: update stream closed:',
        error instanceof Error ? error.message : String(error)
      )
      await this.close()
    })
  }

  private async write(text: string): Promise<void> {
    if (!this.writer) throw new Error('stream is closed')
    await this.writer.write(encoder.encode(text))
  }

  /**
   * Every keep-alive period: a comment line (RFC 8895 keep-alive), the client's lease renewed, and
   * the idle rule — after `ALTO_SSE_IDLE_SECONDS` without an update or a control request the
   * stream ends with a control event saying why (the client may open a new one).
   */
  private async tick(): Promise<void> {
    const idleSeconds = this.idleSeconds
    const leaseHeld =
      this.clientKey === null ||
      (await clientLeases(this.env, this.clientKey)
        .renew(this.ctx.id.toString())
        .catch(() => true))
    if (!leaseHeld || Date.now() - this.lastActivity >= idleSeconds * 1000) {
      const reason = leaseHeld
        ? `closed after ${idleSeconds} s without updates or control requests; open a new stream`
        : 'closed: the client holds too many streams'
      await this.write(
        formatControlEvent({ stopped: [...this.substreams.keys()], description: reason })
      )
      await this.close()
      return
    }
    await this.write(formatKeepAlive())
  }

  private async close(): Promise<void> {
    if (this.keepAlive !== null) clearInterval(this.keepAlive)
    this.keepAlive = null
    if (this.state) this.state = { ...this.state, closed: true }
    const writer = this.writer
    this.writer = null
    await writer?.close().catch(() => {})
    if (this.clientKey !== null) {
      await clientLeases(this.env, this.clientKey)
        .release(this.ctx.id.toString())
        .catch(() => {})
    }
    await Promise.all(
      [...this.subscribed].map((shard) =>
        hubStub(this.env, shard)
          .unsubscribe(this.ctx.id.toString())
          .catch(() => {})
      )
    )
  }
}

/** An answer that failed: its ALTO error as JSON, else the message. */
function describeFailure(error: unknown): string {
  if (error instanceof RequestFailureError) return JSON.stringify(error.failure)
  return error instanceof Error ? error.message : String(error)
}

/** §6.7.2 order: network maps before the cost maps that depend on them. */
const rank = (mediaType: string | undefined): number =>
  mediaType === MEDIA_TYPES.networkMap ? 0 : 1
