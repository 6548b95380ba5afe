/**
 * @module Operator-only endpoints (not ALTO resources, not in the IRD; docs/security.md §4):
 * `GET /_alto/versions`, the publication history with a summary of each kept manifest, for the
 * dashboard. Authentication is the publish hook's: `Authorization: Bearer <ALTO_OPERATOR_TOKEN>`,
 * both sides SHA-256 hashed and compared in constant time; the route does not exist (404) while
 * the secret is unset, and a client credential never opens it.
 *
 * What it shows is what the operator published and nothing else: versions, seqs, creation times,
 * per map its tag, PID and prefix counts and table sizes, per resource its update-log seqs — no
 * KV keys, blob hashes, credentials or client list. Answers are `no-store`.
 */
import { Hono } from 'hono'
import { httpFail } from '../../alto/errors.ts'
import type { Manifest } from '../../store/manifest.ts'
import { readManifest, readPointerAndHistory, readUpdateLogs } from '../../store/read.ts'
import { digestHex, timingSafeEqual } from '../auth/digest.ts'
import type { AppEnv } from '../env.ts'
import type { AppContext } from '../http.ts'
import { kvStoreReader, readingStore } from '../store.ts'

export const VERSIONS_PATH = '/_alto/versions'
/** History entries summarized at most (the publisher keeps `history.keep`, default 5). */
const MAX_VERSIONS = 32

/** 404 while `ALTO_OPERATOR_TOKEN` is unset, 401 unless the request carries it as a bearer token. */
export async function requireOperator(c: AppContext): Promise<void> {
  const token = c.env.ALTO_OPERATOR_TOKEN
  if (!token) httpFail({ kind: 'not-found' })
  const presented = /^Bearer\s+(\S+)$/i.exec(c.req.header('Authorization') ?? '')?.[1] ?? ''
  const [a, b] = await Promise.all([digestHex('SHA-256', presented), digestHex('SHA-256', token)])
  if (!(timingSafeEqual(a, b) && presented !== '')) {
    httpFail({ kind: 'unauthorized', challenges: ['Bearer realm="alto-edge-operator"'] })
  }
}

/** What the dashboard shows of a manifest. */
export function manifestSummary(m: Manifest) {
  const bytes = (ref: { bytes: number } | null) => ref?.bytes ?? 0
  return {
    'default-network-map': m['default-network-map'],
    'network-maps': Object.fromEntries(
      Object.entries(m['network-maps']).map(([id, nm]) => [
        id,
        {
          vtag: nm.vtag,
          'pid-count': nm['pid-count'],
          'prefix-counts': nm['prefix-counts'],
          'table-bytes': {
            pids: bytes(nm.pids),
            'lpm-v4': bytes(nm['lpm-v4']),
            'lpm-v6': bytes(nm['lpm-v6']),
            json: bytes(nm.json),
          },
        },
      ])
    ),
    'cost-maps': Object.fromEntries(
      Object.entries(m['cost-maps']).map(([id, cm]) => [
        id,
        {
          'network-map': cm['network-map'],
          'cost-type-name': cm['cost-type-name'],
          tag: cm.tag,
          'table-bytes': { matrix: bytes(cm.matrix), json: bytes(cm.json) },
        },
      ])
    ),
  }
}

/** The tag of every map and property resource of a manifest. */
function resourceTags(m: Manifest): Map<string, string> {
  const tags = new Map<string, string>()
  for (const [id, nm] of Object.entries(m['network-maps'])) tags.set(id, nm.vtag)
  for (const [id, cm] of Object.entries(m['cost-maps'])) tags.set(id, cm.tag)
  for (const [id, p] of Object.entries(m.properties)) tags.set(id, p.tag)
  for (const [id, a] of Object.entries(m['cdni-advertisements'] ?? {})) tags.set(id, a.tag)
  return tags
}

/** Resources whose content differs between `from` and `to` (added, removed or re-tagged). */
export function changedResources(from: Manifest, to: Manifest): string[] {
  const a = resourceTags(from)
  const b = resourceTags(to)
  const ids = new Set([...a.keys(), ...b.keys()])
  return [...ids].filter((id) => a.get(id) !== b.get(id)).sort()
}

export const operatorRoutes = new Hono<AppEnv>().get(VERSIONS_PATH, async (c) => {
  await requireOperator(c)
  const reader = kvStoreReader(c.env.ALTO_KV)
  const { current, history } = await readingStore(() => readPointerAndHistory(reader))
  const entries = history.versions.slice(0, MAX_VERSIONS)
  if (current && !entries.some((v) => v.version === current.version)) {
    entries.unshift({ version: current.version, seq: current.seq, created: '' })
  }
  const manifests = await Promise.all(
    entries.map((v) => readingStore(() => readManifest(reader, v.version)))
  )
  const currentManifest = manifests[entries.findIndex((v) => v.version === current?.version)]
  const tracked = currentManifest
    ? [
        ...Object.keys(currentManifest['network-maps']),
        ...Object.keys(currentManifest['cost-maps']),
      ]
    : []
  const logs = await readingStore(() => readUpdateLogs(reader, tracked))
  const body = {
    current: current ? { version: current.version, seq: current.seq } : null,
    versions: entries.map((v, k) => {
      const m = manifests[k]
      const isCurrent = v.version === current?.version
      return {
        version: v.version,
        seq: v.seq,
        created: m?.created ?? v.created,
        current: isCurrent,
        'rollback-changes':
          m && currentManifest ? (isCurrent ? [] : changedResources(currentManifest, m)) : null,
        manifest: m ? manifestSummary(m) : null,
      }
    }),
    updates: Object.fromEntries(
      tracked.map((id, k) => [
        id,
        (logs[k]?.seqs ?? []).map((e) => ({ seq: e.seq, tag: e.tag, version: e.version })),
      ])
    ),
  }
  return new Response(JSON.stringify(body), {
    headers: {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-store',
    },
  })
})
