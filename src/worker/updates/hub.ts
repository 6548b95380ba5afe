/**
 * @module `UpdateHub`: the Durable Object of one map family (a network map and its cost maps;
 * common.ts `hubShardOf`) that learns of new publications
 * and tells whoever waits — TIPS long polls (`GET <view>/ug/<e>/<e+1>` held until seq e+1 exists)
 * and the open ALTO/SSE streams (each its own `UpdateStream` object).
 *
 * How it learns, without a busy loop:
 * - alarm: while anything waits (a long poll or a registered stream), an alarm every
 *   {@link POLL_INTERVAL_MS} reads the small `current` pointer; when the pointer names another
 *   version it re-reads the update logs (`updates/<rid>`) of the resources someone waits on.
 *   Nothing waits → no alarm, no reads.
 * - publish hook: `POST /_alto/notify` (bearer `ALTO_OPERATOR_TOKEN`, notify.ts) hands the new
 *   logs straight to {@link UpdateHub.notify} right after the publisher flips the pointer. This
 *   also bypasses KV's edge caching of the mutable keys, which can hide a new pointer/log from the
 *   hub's location for up to ~60 s.
 *
 * A log only replaces the known one when its end-seq is higher (RFC 9569 "right shift" only), so
 * a stale KV read or a replayed notification never moves a waiter backwards.
 *
 * Waiters live in memory: they are tied to in-flight requests, which keep the object alive. The
 * stream registry is persisted (the hub may be evicted between alarms while streams are open).
 */
import { DurableObject } from 'cloudflare:workers'
import type { Env } from '../env.ts'
import { readManifest } from '../../store/read.ts'
import { kvStoreReader } from '../store.ts'
import type { UpdateLog } from '../../store/update-log.ts'
import type { CurrentPointer } from '../../store/manifest.ts'
import { endSeqOf, readCurrentPointer, readUpdateLog } from './common.ts'

/** Alarm period while something waits. */
export const POLL_INTERVAL_MS = 1_000
/**
 * How long after a pointer change a watched log that does not yet show the new version's tag is
 * re-read on every alarm: KV caches each key separately at the edge (up to ~60 s), so the new
 * pointer can be seen before the new logs are, and a stale log read must not count as "seen".
 */
export const LOG_SETTLE_MS = 90_000
/** Default cap on long polls held at once (beyond: 429); `ALTO_TIPS_MAX_POLLS` overrides. */
export const MAX_WAITERS = 10_000

export type WaitResult =
  { status: 'ready'; log: UpdateLog } | { status: 'timeout' } | { status: 'busy' }

/** {@link UpdateHub.waitForVersion}: the pointer once its seq is reached. */
export type VersionWaitResult =
  { status: 'ready'; pointer: CurrentPointer } | { status: 'timeout' } | { status: 'busy' }

interface Waiter {
  /** A resource's log to reach `seq`, or {@link EVERY_VERSION}: the pointer's seq. */
  resourceId: string
  seq: number
  deadline: number
  resolve: (
    r: { status: 'ready'; log?: UpdateLog; pointer?: CurrentPointer } | { status: 'timeout' }
  ) => void
}

/**
 * Most TIPS views with `input` (tips-inputs.ts) one hub keeps; opening one more closes the least
 * recently opened (RFC 9569: "the server MAY close a view at any time"; its client gets 404 and
 * reopens).
 */
export const MAX_INPUT_VIEWS = 10_000

const STREAMS_KEY = 'streams'

/**
 * A pseudo resource id (`#` is not in ResourceID syntax) a stream subscribes with to hear of every
 * new version, changed logs or not: a POST-mode substream (RFC 8895 §6.5 `input`) recomputes its
 * answer then, since a calendar-only change moves no update log.
 */
export const EVERY_VERSION = '#version'

export class UpdateHub extends DurableObject<Env> {
  private readonly logs = new Map<string, UpdateLog>()
  private readonly waiters = new Set<Waiter>()
  /** Stream object id (hex) → resource ids it follows. */
  private streams = new Map<string, string[]>()
  private pointerVersion: string | null = null
  /** The newest pointer read (for {@link waitForVersion}). */
  private pointer: CurrentPointer | null = null
  private inputViewsReady = false
  /** Until when (ms) lagging logs are re-read on every poll (see LOG_SETTLE_MS). */
  private settleUntil = 0
  /** Tag of each resource in the pointer's version (from its manifest), to spot lagging logs. */
  private expectedTags = new Map<string, string>()

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env)
    void ctx.blockConcurrencyWhile(async () => {
      const saved = await ctx.storage.get<[string, string[]][]>(STREAMS_KEY)
      this.streams = new Map(saved ?? [])
    })
  }

  /**
   * The newest known log of `resourceId` (KV on first use). Not re-read on every call: a log
   * adopted here would skip `deliver`, so streams would miss it; logs advance through `poll`
   * (pointer changes, then LOG_SETTLE_MS of re-reading lagging logs) and the publish hook.
   */
  private async knownLog(resourceId: string): Promise<UpdateLog | null> {
    const known = this.logs.get(resourceId)
    if (known) return known
    const log = await readUpdateLog(this.env.ALTO_KV, resourceId)
    if (log) this.adopt(log)
    return this.logs.get(resourceId) ?? null
  }

  /** Keeps `log` when it is newer than the known one; true when it advanced. */
  private adopt(log: UpdateLog): boolean {
    const known = this.logs.get(log['resource-id'])
    if (known && endSeqOf(known) >= endSeqOf(log)) return false
    this.logs.set(log['resource-id'], log)
    return true
  }

  /**
   * Resolves when `resourceId` has seq `seq` (`ready`, with the log that has it), when `holdMs`
   * passes (`timeout`), or at once with `busy` when `maxWaiters` requests already wait.
   */
  async waitForSeq(
    resourceId: string,
    seq: number,
    holdMs: number,
    maxWaiters = MAX_WAITERS
  ): Promise<WaitResult> {
    const log = await this.knownLog(resourceId)
    if (log && endSeqOf(log) >= seq) return { status: 'ready', log }
    if (this.waiters.size >= maxWaiters) return { status: 'busy' }
    const result = new Promise<WaitResult>((resolve) => {
      this.waiters.add({
        resourceId,
        seq,
        deadline: Date.now() + holdMs,
        resolve: (r) => resolve(r.status === 'ready' ? { status: 'ready', log: r.log! } : r),
      })
    })
    await this.ensureAlarm()
    return result
  }

  /**
   * Resolves when the published pointer reaches `seq` (`ready`, with that pointer), when `holdMs`
   * passes, or at once with `busy`: the long poll of a TIPS view with `input`, whose versions
   * are publications (tips-inputs.ts).
   */
  async waitForVersion(
    seq: number,
    holdMs: number,
    maxWaiters = MAX_WAITERS
  ): Promise<VersionWaitResult> {
    const pointer = await readCurrentPointer(this.env.ALTO_KV).catch(() => null)
    if (pointer && (!this.pointer || pointer.seq > this.pointer.seq)) this.pointer = pointer
    if (this.pointer && this.pointer.seq >= seq) return { status: 'ready', pointer: this.pointer }
    if (this.waiters.size >= maxWaiters) return { status: 'busy' }
    const result = new Promise<VersionWaitResult>((resolve) => {
      this.waiters.add({
        resourceId: EVERY_VERSION,
        seq,
        deadline: Date.now() + holdMs,
        resolve: (r) =>
          resolve(r.status === 'ready' ? { status: 'ready', pointer: r.pointer! } : r),
      })
    })
    await this.ensureAlarm()
    return result
  }

  /** The pointer read afresh (a handler whose edge-cached pointer may lag asks here). */
  async latestPointer(): Promise<CurrentPointer | null> {
    const pointer = await readCurrentPointer(this.env.ALTO_KV).catch(() => null)
    if (pointer && (!this.pointer || pointer.seq > this.pointer.seq)) this.pointer = pointer
    return this.pointer
  }

  /** The table of TIPS views with `input`: id → the validated input (JSON), last opened. */
  private inputViews(): SqlStorage {
    const sql = this.ctx.storage.sql
    if (!this.inputViewsReady) {
      sql.exec(
        'CREATE TABLE IF NOT EXISTS tips_input_views (id TEXT PRIMARY KEY, input TEXT NOT NULL, opened INTEGER NOT NULL)'
      )
      sql.exec('CREATE INDEX IF NOT EXISTS tips_input_views_opened ON tips_input_views (opened)')
      this.inputViewsReady = true
    }
    return sql
  }

  /** Keeps view `id` (its validated input); at {@link MAX_INPUT_VIEWS}, closes the oldest. */
  async saveInputView(id: string, input: string, maxViews = MAX_INPUT_VIEWS): Promise<void> {
    const sql = this.inputViews()
    sql.exec(
      'INSERT INTO tips_input_views (id, input, opened) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET opened = excluded.opened',
      id,
      input,
      Date.now()
    )
    const count = sql.exec<{ n: number }>('SELECT count(*) AS n FROM tips_input_views').one().n
    if (count > maxViews)
      sql.exec(
        'DELETE FROM tips_input_views WHERE id IN (SELECT id FROM tips_input_views ORDER BY opened LIMIT ?)',
        count - maxViews
      )
  }

  /** The validated input of view `id` (JSON), or null when it does not exist (any more). */
  async inputView(id: string): Promise<string | null> {
    const rows = this.inputViews()
      .exec<{ input: string }>('SELECT input FROM tips_input_views WHERE id = ?', id)
      .toArray()
    return rows[0]?.input ?? null
  }

  /** Newest known logs of `resourceIds` (streams start from these). */
  async currentLogs(resourceIds: string[]): Promise<Record<string, UpdateLog | null>> {
    const out: Record<string, UpdateLog | null> = {}
    for (const rid of resourceIds) out[rid] = await this.knownLog(rid)
    return out
  }

  /** A stream follows `resourceIds` from now on; returns their newest known logs. */
  async subscribe(
    streamId: string,
    resourceIds: string[]
  ): Promise<Record<string, UpdateLog | null>> {
    this.streams.set(streamId, resourceIds)
    await this.ctx.storage.put(STREAMS_KEY, [...this.streams])
    await this.ensureAlarm()
    return this.currentLogs(resourceIds.filter((rid) => rid !== EVERY_VERSION))
  }

  async unsubscribe(streamId: string): Promise<void> {
    if (!this.streams.delete(streamId)) return
    await this.ctx.storage.put(STREAMS_KEY, [...this.streams])
  }

  /** Publish hook: adopt the given logs, then check the pointer as an alarm would. */
  async notify(logs: UpdateLog[]): Promise<{ advanced: string[] }> {
    const advanced = logs.filter((log) => this.adopt(log)).map((log) => log['resource-id'])
    const polled = await this.poll()
    await this.deliver(new Set([...advanced, ...polled.advanced]), polled.changed)
    return { advanced: [...new Set([...advanced, ...polled.advanced])] }
  }

  override async alarm(): Promise<void> {
    const polled = await this.poll()
    await this.deliver(new Set(polled.advanced), polled.changed)
    if (this.waiters.size > 0 || this.streams.size > 0)
      await this.ctx.storage.setAlarm(Date.now() + POLL_INTERVAL_MS)
  }

  /**
   * Pointer changed → re-read the logs someone waits on; then, for up to LOG_SETTLE_MS, keep
   * re-reading those whose newest tag is not yet the one the pointer's manifest names (a stale
   * edge-cached read). Returns the resources that advanced, and whether the pointer changed.
   */
  private async poll(): Promise<{ advanced: string[]; changed: boolean }> {
    // An unreadable pointer is no change: waiters keep waiting and the next alarm reads again.
    const pointer = await readCurrentPointer(this.env.ALTO_KV).catch(() => null)
    if (pointer && (!this.pointer || pointer.seq > this.pointer.seq)) this.pointer = pointer
    const now = Date.now()
    let changed = false
    if (pointer && pointer.version !== this.pointerVersion) {
      this.pointerVersion = pointer.version
      this.settleUntil = now + LOG_SETTLE_MS
      this.expectedTags = await this.manifestTags(pointer.version)
      changed = true
    }
    if (!changed && now > this.settleUntil) return { advanced: [], changed }
    const watched = new Set<string>([...this.logs.keys()])
    for (const w of this.waiters) watched.add(w.resourceId)
    for (const rids of this.streams.values())
      for (const rid of rids) if (rid !== EVERY_VERSION) watched.add(rid)
    const advanced: string[] = []
    for (const rid of watched) {
      if (!changed && !this.lagging(rid)) continue
      const log = await readUpdateLog(this.env.ALTO_KV, rid)
      if (log && this.adopt(log)) advanced.push(rid)
    }
    return { advanced, changed }
  }

  /** True when the known log of `rid` does not end with the tag the current version has. */
  private lagging(rid: string): boolean {
    const expected = this.expectedTags.get(rid)
    const known = this.logs.get(rid)
    if (expected === undefined || !known) return false
    return known.seqs[known.seqs.length - 1].tag !== expected
  }

  /** Resource id → tag in a version's manifest (network map vtags, cost map tags); {} on error. */
  private async manifestTags(version: string): Promise<Map<string, string>> {
    const tags = new Map<string, string>()
    try {
      const m = await readManifest(kvStoreReader(this.env.ALTO_KV), version)
      if (!m) return tags
      for (const [rid, nm] of Object.entries(m['network-maps'])) tags.set(rid, nm.vtag)
      for (const [rid, cm] of Object.entries(m['cost-maps'])) tags.set(rid, cm.tag)
    } catch {
      // Unreadable manifest: no settling; the next pointer change or publish hook catches up.
    }
    return tags
  }

  /**
   * Wakes satisfied and expired long polls; pushes advanced logs to every stream following them,
   * and (`versionChanged`) a call, with no logs if none advanced, to streams of {@link EVERY_VERSION}.
   */
  private async deliver(advanced: Set<string>, versionChanged = false): Promise<void> {
    const now = Date.now()
    for (const w of this.waiters) {
      const log = this.logs.get(w.resourceId)
      if (w.resourceId === EVERY_VERSION) {
        if (this.pointer && this.pointer.seq >= w.seq)
          w.resolve({ status: 'ready', pointer: this.pointer })
        else if (now >= w.deadline) w.resolve({ status: 'timeout' })
        else continue
      } else if (log && endSeqOf(log) >= w.seq) w.resolve({ status: 'ready', log })
      else if (now >= w.deadline) w.resolve({ status: 'timeout' })
      else continue
      this.waiters.delete(w)
    }
    if (advanced.size === 0 && !versionChanged) return
    const gone: string[] = []
    await Promise.all(
      [...this.streams].map(async ([streamId, rids]) => {
        const logs = rids.filter((rid) => advanced.has(rid)).map((rid) => this.logs.get(rid)!)
        if (logs.length === 0 && !(versionChanged && rids.includes(EVERY_VERSION))) return
        const stub = this.env.ALTO_UPDATE_STREAM.get(
          this.env.ALTO_UPDATE_STREAM.idFromString(streamId)
        )
        // `false`: the stream object no longer holds a connection (closed, or a fresh instance).
        // A failed call (a transient RPC error, a subrequest limit) is not proof of that: the
        // stream stays registered and gets the next delivery.
        const open = await stub.publish(logs).catch(() => true)
        if (!open) gone.push(streamId)
      })
    )
    for (const id of gone) await this.unsubscribe(id)
  }

  private async ensureAlarm(): Promise<void> {
    if ((await this.ctx.storage.getAlarm()) === null)
      await this.ctx.storage.setAlarm(Date.now() + POLL_INTERVAL_MS)
  }
}
