/**
 * @module The soak's request mix: workers that loop over GETs (with and without
 * `If-None-Match`), filtered cost maps, endpoint cost and endpoint property lookups, each answer
 * timed, classified by status and reduced to an {@link Observation} for the mixed-version rules.
 * Loops are bounded by a deadline and a request count.
 */
import { MEDIA_TYPES } from '../../src/alto/media-types.ts'
import { resourcePaths } from '../../src/alto/resources.ts'
import {
  CM,
  EXTRA_ADDRESS,
  NM,
  PID2_ADDRESS,
  SRC_ADDRESS,
  routingCost,
  type Observation,
} from './variants.ts'

export type Kind =
  | 'directory'
  | 'networkmap'
  | 'networkmap-inm'
  | 'costmap'
  | 'filtered'
  | 'endpointcost'
  | 'endpointprop'

export const KINDS: readonly Kind[] = [
  'directory',
  'networkmap',
  'networkmap-inm',
  'costmap',
  'filtered',
  'endpointcost',
  'endpointprop',
]

export interface LoadStats {
  requests: number
  /** Status code → count, per kind. */
  status: Record<Kind, Record<number, number>>
  /** Milliseconds per answer (body read included), per kind. */
  latency: Record<Kind, number[]>
  /** 503s without Retry-After, bodies that were not the media type expected, network errors. */
  malformed: string[]
  networkErrors: number
  observations: Observation[]
}

export function emptyStats(): LoadStats {
  const per = <T>(f: () => T) => Object.fromEntries(KINDS.map((k) => [k, f()])) as Record<Kind, T>
  return {
    requests: 0,
    status: per(() => ({})),
    latency: per(() => []),
    malformed: [],
    networkErrors: 0,
    observations: [],
  }
}

const json = (media: string, body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'Content-Type': media, Accept: `${MEDIA_TYPES.error},*/*` },
  body: JSON.stringify(body),
})

interface Meta {
  meta?: { vtag?: { tag: string }; 'dependent-vtags'?: { tag: string }[] }
}
const dependentTag = (b: Meta) => b.meta?.['dependent-vtags']?.[0]?.tag ?? '?'

/** One request of `kind`: where, how, and what its 200 body says. */
function request(
  base: string,
  kind: Kind,
  etag: string | undefined
): { url: string; init: RequestInit; observe?: (body: unknown) => Observation } {
  switch (kind) {
    case 'directory':
      return { url: base + resourcePaths.directory, init: {} }
    case 'networkmap':
    case 'networkmap-inm':
      return {
        url: base + resourcePaths.networkMap(NM),
        init: kind === 'networkmap-inm' && etag ? { headers: { 'If-None-Match': etag } } : {},
        observe: (b) => {
          const body = b as Meta & { 'network-map': Record<string, { ipv4?: string[] }> }
          return {
            kind: 'networkmap',
            tag: body.meta?.vtag?.tag ?? '?',
            odd: body['network-map'].PID2?.ipv4?.includes('203.0.113.0/24') ?? false,
          }
        },
      }
    case 'costmap':
    case 'filtered': {
      const cost = (b: unknown) => {
        const body = b as Meta & { 'cost-map': Record<string, Record<string, number>> }
        return { kind, tag: dependentTag(body), cost: body['cost-map'].PID1.PID2 } as Observation
      }
      if (kind === 'costmap')
        return { url: base + resourcePaths.costMap(CM), init: {}, observe: cost }
      return {
        url: base + resourcePaths.filteredCostMap(NM),
        init: json(MEDIA_TYPES.costMapFilter, {
          'cost-type': routingCost,
          pids: { srcs: ['PID1'], dsts: ['PID2'] },
        }),
        observe: cost,
      }
    }
    case 'endpointcost':
      return {
        url: base + resourcePaths.endpointCost(NM),
        init: json(MEDIA_TYPES.endpointCostParams, {
          'cost-type': routingCost,
          endpoints: {
            srcs: [`ipv4:${SRC_ADDRESS}`],
            dsts: [`ipv4:${PID2_ADDRESS}`, `ipv4:${EXTRA_ADDRESS}`],
          },
        }),
        observe: (b) => {
          const row = (b as { 'endpoint-cost-map': Record<string, Record<string, number>> })[
            'endpoint-cost-map'
          ][`ipv4:${SRC_ADDRESS}`]
          return {
            kind: 'endpointcost',
            toPid2: row[`ipv4:${PID2_ADDRESS}`],
            toExtra: row[`ipv4:${EXTRA_ADDRESS}`],
          }
        },
      }
    case 'endpointprop': {
      const prop = `${NM}.pid`
      return {
        url: base + resourcePaths.endpointProperty,
        init: json(MEDIA_TYPES.endpointPropParams, {
          properties: [prop],
          endpoints: [`ipv4:${EXTRA_ADDRESS}`],
        }),
        observe: (b) => {
          const body = b as Meta & {
            'endpoint-properties': Record<string, Record<string, string>>
          }
          return {
            kind: 'endpointprop',
            tag: dependentTag(body),
            extraPid: body['endpoint-properties'][`ipv4:${EXTRA_ADDRESS}`]?.[prop] ?? '?',
          }
        },
      }
    }
  }
}

/**
 * Runs `workers` loops until `deadline` (ms since epoch) or `maxRequests` in all, each picking
 * kinds round-robin from a per-worker offset. Observations are kept for every `observeEvery`-th
 * answer of a kind that has one (all of them when 1).
 */
export async function runLoad(
  base: string,
  opts: { workers: number; deadline: number; maxRequests: number; stats: LoadStats }
): Promise<void> {
  const { stats } = opts
  let etag: string | undefined
  const loop = async (w: number) => {
    for (let i = w; Date.now() < opts.deadline && stats.requests < opts.maxRequests; i++) {
      const kind = KINDS[i % KINDS.length]
      const r = request(base, kind, etag)
      const started = performance.now()
      stats.requests++
      let res: Response
      let text: string
      try {
        res = await fetch(r.url, r.init)
        text = await res.text()
      } catch (e) {
        stats.networkErrors++
        if (stats.malformed.length < 20) stats.malformed.push(`${kind}: ${(e as Error).message}`)
        continue
      }
      stats.latency[kind].push(performance.now() - started)
      stats.status[kind][res.status] = (stats.status[kind][res.status] ?? 0) + 1
      if (res.status === 200) {
        if (kind === 'networkmap') etag = res.headers.get('ETag') ?? etag
        try {
          if (r.observe) stats.observations.push(r.observe(JSON.parse(text)))
        } catch (e) {
          if (stats.malformed.length < 20)
            stats.malformed.push(`${kind}: 200 body unusable (${(e as Error).message})`)
        }
      } else if (res.status === 503 && !res.headers.get('Retry-After')) {
        if (stats.malformed.length < 20) stats.malformed.push(`${kind}: 503 without Retry-After`)
      }
    }
  }
  await Promise.all(Array.from({ length: opts.workers }, (_, w) => loop(w)))
}

/** Percentile (nearest rank) of unsorted samples; NaN when empty. */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return NaN
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
}
