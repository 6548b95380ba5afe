/**
 * @module The publisher's hook `POST /_alto/notify` (not an ALTO resource, not in the IRD): the
 * CLI calls it right after flipping `current`, with the update logs it just wrote, so long polls
 * and update streams learn of the publication at once instead of at the hub's next pointer poll
 * (and without waiting for KV's edge caches to expire).
 *
 * Authentication: `Authorization: Bearer <ALTO_OPERATOR_TOKEN>` (a secret). Both sides are
 * SHA-256 hashed, then compared in constant time, so neither the token's length nor the position
 * of the first difference leaks. Unset secret → the route does not exist (404).
 *
 * Body: `{ "logs": UpdateLog[] }` (may be `{}`: then the hub just re-reads the pointer). 202 with
 * `{ "advanced": [resource ids whose end-seq moved] }`.
 */
import { Hono } from 'hono'
import { altoFail, httpFail } from '../../alto/errors.ts'
import { MAX_BODY_BYTES } from '../../alto/limits.ts'
import type { UpdateLog } from '../../store/update-log.ts'
import type { AppEnv } from '../env.ts'
import { requireOperator } from '../routes/operator.ts'
import { byShard, hubStub, parseUpdateLog } from './common.ts'
import type { Manifest } from '../../store/manifest.ts'
import { readManifest } from '../../store/read.ts'
import { kvStoreReader, readingStore } from '../store.ts'

export const NOTIFY_PATH = '/_alto/notify'

export const notifyRoutes = new Hono<AppEnv>().post(NOTIFY_PATH, async (c) => {
  const env = c.env
  await requireOperator(c)
  if (Number(c.req.header('Content-Length') ?? '0') > MAX_BODY_BYTES)
    httpFail({ kind: 'payload-too-large', limitBytes: MAX_BODY_BYTES })
  let body: unknown
  try {
    body = JSON.parse((await c.req.text()) || '{}')
  } catch (error) {
    altoFail({
      code: 'E_SYNTAX',
      syntaxError: `the body must be JSON { "logs": [...] }: ${(error as Error).message}`,
    })
  }
  const raw =
    typeof body === 'object' && body !== null ? ((body as { logs?: unknown }).logs ?? []) : body
  if (!Array.isArray(raw)) altoFail({ code: 'E_INVALID_FIELD_TYPE', field: 'logs' })
  const logs: UpdateLog[] = []
  for (const [i, item] of raw.entries()) {
    const log = parseUpdateLog(item)
    if (!log)
      altoFail({
        code: 'E_INVALID_FIELD_VALUE',
        field: `logs/${i}`,
        value: 'not a valid update log',
      })
    logs.push(log)
  }
  // Each log goes to its map family's hub (common.ts hubShardOf: the network map of a cost map,
  // of a property map's first `<nm>.pid` domain or of an altopid CDNI Advertisement). That network map is in the manifest of the
  // version the log's newest seq was published in (immutable, so never a stale read).
  const manifests = new Map<string, Promise<Manifest | null>>()
  const reader = kvStoreReader(env.ALTO_KV)
  const shardOf = async (log: UpdateLog): Promise<string> => {
    const version = log.seqs[log.seqs.length - 1].version
    if (!manifests.has(version)) {
      manifests.set(
        version,
        readingStore(() => readManifest(reader, version))
      )
    }
    const manifest = await manifests.get(version)!
    const rid = log['resource-id']
    return (
      manifest?.['cost-maps'][rid]?.['network-map'] ??
      manifest?.['property-maps']?.[rid]?.uses[0] ??
      manifest?.['cdni-advertisements']?.[rid]?.['network-map'] ??
      rid
    )
  }
  const shards = await Promise.all(logs.map(shardOf))
  const groups = byShard(
    logs.map((log, i) => ({ log, shard: shards[i] })),
    (item) => item.shard
  )
  const results = await Promise.all(
    [...groups].map(([shard, items]) => hubStub(env, shard).notify(items.map((i) => i.log)))
  )
  const result = { advanced: results.flatMap((r) => r.advanced) }
  return new Response(JSON.stringify(result), {
    status: 202,
    headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' },
  })
})
