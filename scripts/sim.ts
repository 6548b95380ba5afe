/**
 * @module `npm run sim`: the swarm simulator (scripts/lib/swarm.ts) on the real ASN map, once
 * per peer selection policy (src/client/peer-selection.ts), then local-global with the throttle
 * variants of `THROTTLE_VARIANTS`, writing docs/simulation.md (the results tables and the command
 * that reproduces them) and docs/simulation.svg (the plot).
 *
 *   node scripts/sim.ts [--peers N] [--slots N] [--seed N] [--server URL] [--out DIR]
 *
 * The map is maps/asn/generated (run `npm run maps:asn` first; generated here when missing), or
 * with `--server` read through the client library from a running alto-edge that serves it.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { DEFAULT_POLICIES } from '../src/client/peer-selection.ts'
import { loadGeneratedMap, loadMapViaClient } from './lib/sim-map.ts'
import { DEFAULT_SWARM, runSwarm, type SwarmConfig, type SwarmResult } from './lib/swarm.ts'

const root = resolve(import.meta.dirname, '..')

/** The default run: sized to finish well under 60 s on 2 cores. */
export const SIM_DEFAULTS = { peers: 2000, slots: 300, warmup: 40 } as const

const pct = (x: number) => `${(100 * x).toFixed(2)} %`

/** Throttle variants of local-global (same swarm), to show where the transit cut comes from. */
export const THROTTLE_VARIANTS: readonly { label: string; cfg: Partial<SwarmConfig> }[] = [
  {
    label: 'per-peer view, minAge 4, chance 0.1 (the previous default)',
    cfg: { supplyView: 'neighbours', minAge: 4, remoteChance: 0.1 },
  },
  { label: 'locality view + 1 designated fetcher', cfg: { fetchers: 1 } },
]

export function resultsTable(
  results: readonly SwarmResult[],
  baseline: SwarmResult = results.find((r) => r.policy === 'random')!,
  label: (r: SwarmResult, i: number) => string = (r) => r.policy,
  first = 'policy'
): string {
  const lines = [
    `| ${first} | inter-PID bytes / delivered | costly-path bytes / delivered | of which re-entries | transit cut vs random | mean path cost | continuity | mean lag (slots) | p95 lag |`,
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ]
  results.forEach((r, i) => {
    const cut = r.costlyRatio > 0 ? baseline.costlyRatio / r.costlyRatio : Number.POSITIVE_INFINITY
    lines.push(
      `| ${label(r, i)} | ${pct(r.interPidRatio)} | ${pct(r.costlyRatio)} | ${pct(r.reentryRatio)} | ${cut.toFixed(1)}× | ${r.meanCost.toFixed(1)} | ${pct(r.continuity)} | ${r.meanLag.toFixed(2)} | ${r.p95Lag} |`
    )
  })
  return lines.join('\n')
}

/** A grouped bar chart: inter-PID, costly-path and (1 − continuity) per policy, in percent. */
export function resultsSvg(results: readonly SwarmResult[]): string {
  const metrics = [
    { label: 'inter-PID bytes', color: '#4878a8', value: (r: SwarmResult) => r.interPidRatio },
    { label: 'costly-path bytes', color: '#d0583a', value: (r: SwarmResult) => r.costlyRatio },
    { label: 'chunks missed', color: '#6a9f4a', value: (r: SwarmResult) => 1 - r.continuity },
  ]
  const W = 640
  const H = 320
  const left = 50
  const bottom = 270
  const top = 40
  const groupW = (W - left - 20) / results.length
  const barW = groupW / (metrics.length + 1)
  const y = (v: number) => bottom - v * (bottom - top)
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">Share of delivered bytes, by peer selection policy</text>`,
  ]
  for (let t = 0; t <= 100; t += 25) {
    parts.push(
      `<line x1="${left}" x2="${W - 20}" y1="${y(t / 100)}" y2="${y(t / 100)}" stroke="#ddd"/>`,
      `<text x="${left - 6}" y="${y(t / 100) + 4}" text-anchor="end">${t} %</text>`
    )
  }
  results.forEach((r, g) => {
    const x0 = left + g * groupW + barW / 2
    metrics.forEach((m, k) => {
      const v = m.value(r)
      parts.push(
        `<rect x="${(x0 + k * barW).toFixed(1)}" y="${y(v).toFixed(1)}" width="${(barW - 2).toFixed(1)}" height="${(bottom - y(v)).toFixed(1)}" fill="${m.color}"><title>${m.label}: ${pct(v)}</title></rect>`,
        `<text x="${(x0 + k * barW + barW / 2).toFixed(1)}" y="${(y(v) - 3).toFixed(1)}" text-anchor="middle" font-size="10">${(100 * v).toFixed(1)}</text>`
      )
    })
    parts.push(
      `<text x="${(x0 + (metrics.length * barW) / 2).toFixed(1)}" y="${bottom + 16}" text-anchor="middle">${r.policy}</text>`
    )
  })
  metrics.forEach((m, k) => {
    const x = left + k * 170
    parts.push(
      `<rect x="${x}" y="${H - 22}" width="12" height="12" fill="${m.color}"/>`,
      `<text x="${x + 18}" y="${H - 12}">${m.label}</text>`
    )
  })
  parts.push('</svg>')
  return `${parts.join('\n')}\n`
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      peers: { type: 'string' },
      slots: { type: 'string' },
      seed: { type: 'string' },
      server: { type: 'string' },
      out: { type: 'string', default: join(root, 'docs') },
    },
  })
  const cfg: SwarmConfig = {
    ...DEFAULT_SWARM,
    ...SIM_DEFAULTS,
    ...(values.peers ? { peers: Number(values.peers) } : {}),
    ...(values.slots ? { slots: Number(values.slots) } : {}),
    ...(values.seed ? { seed: Number(values.seed) } : {}),
  }
  const generated = join(root, 'maps/asn/generated')
  if (!values.server && !existsSync(join(generated, 'costs.csv'))) {
    console.error('maps/asn/generated is missing: generating it (npm run maps:asn)')
    spawnSync(process.execPath, [join(root, 'scripts/gen-asn-map.ts')], { stdio: 'inherit' })
  }
  const started = Date.now()
  const map = values.server ? await loadMapViaClient(values.server) : loadGeneratedMap(generated)
  const results = Object.values(DEFAULT_POLICIES).map((policy) => {
    const r = runSwarm(map, policy, cfg)
    console.error(`${policy.name}: done after ${((Date.now() - started) / 1000).toFixed(1)} s`)
    return r
  })
  const args = [
    values.peers && `--peers ${values.peers}`,
    values.slots && `--slots ${values.slots}`,
    values.seed && `--seed ${values.seed}`,
  ].filter(Boolean)
  const command = `npm run sim${args.length ? ` -- ${args.join(' ')}` : ''}`
  const table = resultsTable(results)
  const variants = THROTTLE_VARIANTS.map((v) => {
    const r = runSwarm(map, DEFAULT_POLICIES['local-global'], { ...cfg, ...v.cfg })
    console.error(
      `local-global, ${v.label}: done after ${((Date.now() - started) / 1000).toFixed(1)} s`
    )
    return r
  })
  const variantTable = resultsTable(
    [...variants, results.find((r) => r.policy === 'local-global')!],
    results[0],
    (_, i) => (i < variants.length ? THROTTLE_VARIANTS[i].label : 'locality view (the default)'),
    'local-global throttle'
  )
  const [rnd, lg, cw] = ['random', 'local-global', 'cost-weighted'].map((name) =>
    results.find((r) => r.policy === name)!
  )
  const cut = (r: SwarmResult) => `${(rnd.costlyRatio / r.costlyRatio).toFixed(1)}×`
  const points = (r: SwarmResult) => `${(100 * (rnd.continuity - r.continuity)).toFixed(2)}`
  const elapsed = ((Date.now() - started) / 1000).toFixed(1)
  const doc = `# Swarm simulation: ISP-friendly peer selection on the ASN map

Generated by \`${command}\` (scripts/sim.ts; model in scripts/lib/swarm.ts, policies in
src/client/peer-selection.ts). ${cfg.peers} peers placed into ${results[0].pidsUsed} of the
${map.pids.length} PIDs of the ASN map (maps/asn, ${values.server ? `read through the client from ${values.server}` : 'generated sources'}) in proportion to IPv4 address share; ${cfg.slots} slots
(one chunk per slot), ${cfg.warmup} slots of warm-up not counted, playback lag ${cfg.lag} slots,
churn ${cfg.churn} per peer and slot, seed ${cfg.seed}. "Costly" paths have routingcost ≥
${cfg.costlyCost} (they leave the country); local paths cost < ${DEFAULT_POLICIES['local-global'].localCost}, and the PIDs they join
form ${results[0].localitiesUsed} localities (countries) with peers.

${table}

![bars per policy](simulation.svg)

Local-global cuts the transit (costly-path) bytes ${cut(lg)} at ${points(lg)} points of continuity
lost against random, cost-weighted ${cut(cw)} at ${points(cw)} points, with the lowest mean path
cost (${cw.meanCost.toFixed(1)}, against ${lg.meanCost.toFixed(1)} and ${rnd.meanCost.toFixed(1)}). Cost-weighted draws its local set toward the
same PID and takes a chunk from the cheapest holder (same PID, then same country, and across a
border only from the cheapest foreign holder); its global set is uniform, as local-global's.
An earlier version also weighted the global set toward nearer countries (same continent): its
transit cut was 11.6× on this run, below local-global's, because a small country's global
neighbours then sat on one continent that often did not hold a young chunk yet, so the chunk
entered later and more peers reached their deadline and fetched it across the border again.
Cost-weighted does not beat local-global on the transit cut: both bring each chunk into a
country about once (re-entries about 2 % of bytes, first entries about 4 %), which bounds the
cut near 18×; what cost-weighting still buys is fewer inter-PID bytes and a lower mean cost.

The transit cut is costly-path bytes of random selection over those of the policy. A chunk has
to cross into every locality that the source did not push it into, so with ${results[0].localitiesUsed} localities
and ${cfg.peers} peers at least about ${pct(results[0].localitiesUsed / cfg.peers)} of delivered bytes are costly (a cut of at most
about ${(results[0].costlyRatio / (results[0].localitiesUsed / cfg.peers)).toFixed(0)}×); "re-entries" are the costly transfers of a chunk into a locality that already had it, the
part a perfect throttle would save.

Throttle (\`mayFetchRemote\`): a non-local fetch only when the chunk is urgent (≤ ${cfg.urgentSlots} slots to its
deadline) or local supply fell short and the chunk is at least ${cfg.minAge} slot(s) old. With the
locality view (default) local supply means that some peer of the locality held the chunk at the
start of the slot, so a chunk crosses into a country about once and then spreads inside it; the
per-peer view counts only local neighbours with upload left, so many peers of a country fetch the
same chunk across its border. Designated fetchers (\`fetchers\`, \`fetcherRank\`) restrict who may
bring a chunk in; they delay its entry when the designated peer has no global neighbour holding
it, and more peers then hit their deadline and fetch it anyway. Local-global, same swarm:

${variantTable}

Run time ${elapsed} s for the ${results.length + variants.length} runs on the machine that generated this file.
`
  writeFileSync(join(values.out!, 'simulation.md'), doc)
  writeFileSync(join(values.out!, 'simulation.svg'), resultsSvg(results))
  console.log(table)
  console.log(variantTable)
  console.error(`total ${((Date.now() - started) / 1000).toFixed(1)} s`)
}
