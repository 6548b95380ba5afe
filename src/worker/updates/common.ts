/**
 * @module Shared by the TIPS (RFC 9569) and ALTO/SSE (RFC 8895) routes and Durable Objects:
 * bindings, the update-resource IRD entries of a version, update logs from KV, and the plain
 * responses for statuses the shared error mapping does not have (410, 425, 429, a 415 about
 * `Accept`). docs/updates.md §7 describes the deployment.
 */
import { resourceIds } from '../../alto/resources.ts'
import { CURRENT_KEY, type CurrentPointer } from '../../store/manifest.ts'
import { checkUpdateLog, updateLogKey, type UpdateLog } from '../../updates/history.ts'
import type { Ird, IrdEntry } from '../../alto/ird.ts'
import { isVisible, requestVisibility } from '../access.ts'
import type { Env } from '../env.ts'
import { requestVersion, type AppContext } from '../http.ts'
import { StorageFault } from '../store.ts'
import { irdBody } from '../tables.ts'
import type { UpdateHub } from './hub.ts'
import type { UpdateStream } from './stream.ts'

/** Bindings the update services add (wrangler.toml `[[durable_objects.bindings]]`, a secret). */
export interface UpdatesEnv extends Env {
  /** One hub per KV namespace: long-poll waiters and the stream registry (hub.ts). */
  ALTO_UPDATE_HUB: DurableObjectNamespace<UpdateHub>
  /** One object per open ALTO/SSE stream (stream.ts). */
  ALTO_UPDATE_STREAM: DurableObjectNamespace<UpdateStream>
  /** SECRET: bearer token of `POST /_alto/notify` (the publisher's hook); unset = hook off. */
  ALTO_OPERATOR_TOKEN?: string
  /** Long polls the hub holds at once before answering 429 (default hub.ts MAX_WAITERS). */
  ALTO_TIPS_MAX_POLLS?: string
}

export const updatesEnv = (c: AppContext): UpdatesEnv => c.env as UpdatesEnv

/** The hub stub (a single named object). */
export function hubStub(env: UpdatesEnv): DurableObjectStub<UpdateHub> {
  return env.ALTO_UPDATE_HUB.get(env.ALTO_UPDATE_HUB.idFromName('hub'))
}

/** Media type of each resource in an update resource's `uses` (network map or cost map). */
export interface UpdateResource {
  entry: IrdEntry
  /** `uses` the client may see, in IRD order (network maps before their cost maps). */
  uses: string[]
  /** Resource id → its own media type (type of snapshots / full replacements). */
  mediaTypes: Map<string, string>
}

/**
 * The IRD entry `id` (tips or update-stream) of the request's version, with `uses` cut to what
 * the client may see; null when the version does not offer it or the client may not see it.
 */
export async function updateResource(c: AppContext, id: string): Promise<UpdateResource | null> {
  const version = await requestVersion(c)
  const ird = (await irdBody(c.env.ALTO_KV, version.manifest)) as Ird
  const entry = ird.resources[id]
  const visibility = await requestVisibility(c)
  if (!entry || !isVisible(visibility, id)) return null
  const uses = (entry.uses ?? []).filter((rid) => isVisible(visibility, rid) && ird.resources[rid] !== undefined)
  return { entry, uses, mediaTypes: new Map(uses.map((rid) => [rid, ird.resources[rid]['media-type']])) }
}

export const tipsResource = (c: AppContext) => updateResource(c, resourceIds.tips)
export const updateStreamResource = (c: AppContext) => updateResource(c, resourceIds.updateStream)

/** KV edge-cache TTL of update logs read by request handlers (like the pointer). */
export const LOG_CACHE_TTL_SECONDS = 60

function isUpdateLog(v: unknown, resourceId: string): v is UpdateLog {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false
  const log = v as UpdateLog
  return log['resource-id'] === resourceId && Array.isArray(log.seqs) && checkUpdateLog(log).length === 0
}

/**
 * `updates/<resourceId>` from KV, shape-checked; null when absent. `cacheTtl` undefined reads with
 * KV's default (the Durable Objects read that way; handlers pass {@link LOG_CACHE_TTL_SECONDS}).
 */
export async function readUpdateLog(kv: KVNamespace, resourceId: string, cacheTtl?: number): Promise<UpdateLog | null> {
  const key = updateLogKey(resourceId)
  let value: unknown
  try {
    value = await kv.get(key, cacheTtl === undefined ? { type: 'json' } : { type: 'json', cacheTtl })
  } catch {
    throw new StorageFault(`reading ${key} failed`)
  }
  if (value === null) return null
  if (!isUpdateLog(value, resourceId)) throw new StorageFault(`${key} is corrupt`)
  return value
}

/** Validates an update log received from the publish hook. */
export function parseUpdateLog(v: unknown): UpdateLog | null {
  if (typeof v !== 'object' || v === null) return null
  const rid = (v as { 'resource-id'?: unknown })['resource-id']
  return typeof rid === 'string' && isUpdateLog(v, rid) ? v : null
}

export async function readPointer(kv: KVNamespace): Promise<CurrentPointer | null> {
  const value = (await kv.get(CURRENT_KEY, { type: 'json' })) as CurrentPointer | null
  return value && typeof value.version === 'string' ? value : null
}

export const endSeqOf = (log: UpdateLog): number => log.seqs[log.seqs.length - 1].seq

/** A short `text/plain` answer that is never cached. */
export function plainStatus(status: number, text: string, extra: Record<string, string> = {}): Response {
  return new Response(`${text}\n`, {
    status,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', ...extra },
  })
}

/** 128 random bits as hex (stream ids). */
export function randomId(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('')
}
