/**
 * @module Shared by the TIPS (RFC 9569) and ALTO/SSE (RFC 8895) routes and Durable Objects:
 * the hub stub, the update-resource IRD entries of a version, and update logs from KV (through
 * the one store reader). docs/updates.md §7 describes the deployment.
 */
import { MEDIA_TYPES } from '../../alto/media-types.ts'
import { resourceIds } from '../../alto/resources.ts'
import { toHex } from '../../tables/bytes.ts'
import type { CurrentPointer } from '../../store/manifest.ts'
import { checkedUpdateLog, readPointer, readUpdateLogs } from '../../store/read.ts'
import type { UpdateLog } from '../../store/update-log.ts'
import type { Ird, IrdEntry } from '../../alto/ird.ts'
import { isVisible, requestVisibility } from '../access.ts'
import type { Env } from '../env.ts'
import { requestVersion, type AppContext } from '../http.ts'
import { kvStoreReader, readingStore } from '../store.ts'
import { irdBody } from '../tables.ts'

/**
 * The hub of one shard. Hubs are sharded by network map: a network map and the cost maps that
 * use it share one hub (RFC 8895 §6.7.2 wants a network map's update before its cost maps', and
 * one hub delivers them in one batch), and every other map family has its own, so a hot
 * resource does not serialise the rest (docs/updates.md §7).
 */
export function hubStub(env: Env, shard: string) {
  return env.ALTO_UPDATE_HUB.get(env.ALTO_UPDATE_HUB.idFromName(`hub:${shard}`))
}

/** Media types of resources whose `uses` names the network map they depend on. */
const DEPENDENT_TYPES: ReadonlySet<string> = new Set([
  MEDIA_TYPES.costMap,
  MEDIA_TYPES.propMap,
  MEDIA_TYPES.cdni,
])

/**
 * The hub shard of a resource: the network map of a cost map, of a property map with `<nm>.pid`
 * domains (the first of its `uses`) or of an altopid CDNI Advertisement (one hub sends the
 * network map's update before the dependent one, RFC 8895 §6.7), else the resource.
 */
export function hubShardOf(ird: Ird, resourceId: string): string {
  const entry = ird.resources[resourceId]
  const dependent = entry !== undefined && DEPENDENT_TYPES.has(entry['media-type'])
  return dependent && entry.uses?.[0] ? entry.uses[0] : resourceId
}

/** Media type of each resource in an update resource's `uses` (network map or cost map). */
export interface UpdateResource {
  entry: IrdEntry
  /** `uses` the client may see, in IRD order (network maps before their cost maps). */
  uses: string[]
  /** Resource id → its own media type (type of snapshots / full replacements). */
  mediaTypes: Map<string, string>
  /** Resource id → its hub shard ({@link hubShardOf}). */
  shards: Map<string, string>
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
  const uses = (entry.uses ?? []).filter(
    (rid) => isVisible(visibility, rid) && ird.resources[rid] !== undefined
  )
  return {
    entry,
    uses,
    mediaTypes: new Map(uses.map((rid) => [rid, ird.resources[rid]['media-type']])),
    shards: new Map(uses.map((rid) => [rid, hubShardOf(ird, rid)])),
  }
}

export const tipsResource = (c: AppContext) => updateResource(c, resourceIds.tips)
export const updateStreamResource = (c: AppContext) => updateResource(c, resourceIds.updateStream)

/** KV edge-cache TTL of update logs read by request handlers (like the pointer). */
export const LOG_CACHE_TTL_SECONDS = 60

/**
 * `updates/<resourceId>` from KV, shape-checked; null when absent. `cacheTtl` undefined reads with
 * KV's default (the Durable Objects read that way; handlers pass {@link LOG_CACHE_TTL_SECONDS}).
 */
export async function readUpdateLog(
  kv: KVNamespace,
  resourceId: string,
  cacheTtl?: number
): Promise<UpdateLog | null> {
  const [log] = await readingStore(() =>
    readUpdateLogs(kvStoreReader(kv), [resourceId], { cacheTtl })
  )
  return log
}

/** Validates an update log received from the publish hook; null when it is not one. */
export function parseUpdateLog(v: unknown): UpdateLog | null {
  const rid =
    typeof v === 'object' && v !== null
      ? (v as { 'resource-id'?: unknown })['resource-id']
      : undefined
  if (typeof rid !== 'string') return null
  try {
    return checkedUpdateLog(v, rid)
  } catch {
    return null
  }
}

/** The `current` pointer as the Durable Objects see it (no edge cache); null when unpublished. */
export async function readCurrentPointer(kv: KVNamespace): Promise<CurrentPointer | null> {
  return readingStore(() => readPointer(kvStoreReader(kv)))
}

export const endSeqOf = (log: UpdateLog): number => log.seqs[log.seqs.length - 1].seq

/** 128 random bits as hex (stream ids). */
export function randomId(): string {
  return toHex(crypto.getRandomValues(new Uint8Array(16)))
}

/** `items` grouped by their shard (first-seen order), for one call per hub. */
export function byShard<T>(items: readonly T[], shardOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>()
  for (const item of items) {
    const shard = shardOf(item)
    groups.set(shard, [...(groups.get(shard) ?? []), item])
  }
  return groups
}
