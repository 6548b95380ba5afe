/**
 * @module The map versions a soak run publishes, and the checks that find a mixed-version answer.
 *
 * Content `k` (a non-negative integer) is the RFC 7285 example map set (maps/example: network
 * map, numerical routing cost map, endpoint properties) with
 *   - cost PID1 → PID2 = 100 + k, and
 *   - 203.0.113.0/24 added to PID2 when k is odd (otherwise it falls to PID3's 0.0.0.0/0).
 * The driver makes every publish or rollback flip the parity of k, so any two consecutive
 * versions differ in both the network map (and its vtag: vtags are content hashes) and the cost,
 * and an answer that takes one part from one version and another part from the next one breaks
 * a parity rule below. Each rule reads one answer only, so it holds whatever the timing.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export const NM = 'rfc-example-network-map'
export const CM = 'rfc-example-num-routingcost'
export const EXTRA_PREFIX = '203.0.113.0/24'
/** An address of EXTRA_PREFIX: PID2 in odd versions, PID3 in even ones. */
export const EXTRA_ADDRESS = '203.0.113.5'
/** An address that is PID2 in every version. */
export const PID2_ADDRESS = '198.51.100.130'
export const SRC_ADDRESS = '192.0.2.10'
/** The example's PID1 → PID3 cost (unchanged by the variants). */
export const PID1_PID3_COST = 10
export const costOf = (k: number) => 100 + k
export const routingCost = { 'cost-mode': 'numerical', 'cost-metric': 'routingcost' } as const

const ROOT = join(import.meta.dirname, '..', '..')

/** Writes content `k` into `mapsDir` (config `mapsDir/alto-edge.json`). */
export function writeVariant(mapsDir: string, k: number): void {
  cpSync(join(ROOT, 'maps', 'example'), join(mapsDir, 'example'), { recursive: true })
  const nmFile = join(mapsDir, 'example', 'network-map.json')
  const nm = JSON.parse(readFileSync(nmFile, 'utf8')) as {
    pids: Record<string, { ipv4?: string[] }>
  }
  if (k % 2 === 1) nm.pids.PID2.ipv4 = [...(nm.pids.PID2.ipv4 ?? []), EXTRA_PREFIX]
  writeFileSync(nmFile, JSON.stringify(nm, null, 2))
  const cmFile = join(mapsDir, 'example', 'cost-routingcost.json')
  const cm = JSON.parse(readFileSync(cmFile, 'utf8')) as {
    costs: Record<string, Record<string, number>>
  }
  cm.costs.PID1.PID2 = costOf(k)
  writeFileSync(cmFile, JSON.stringify(cm, null, 2))
  writeFileSync(
    join(mapsDir, 'alto-edge.json'),
    JSON.stringify({
      'default-network-map': NM,
      history: { keep: 50 },
      'network-maps': [{ file: 'example/network-map.json' }],
      'cost-maps': [{ file: 'example/cost-routingcost.json' }],
      'endpoint-properties': [{ file: 'example/properties.json' }],
    })
  )
}

/** What one answer showed, reduced to the parts the rules compare. */
export type Observation =
  | { kind: 'networkmap'; tag: string; odd: boolean }
  | { kind: 'costmap' | 'filtered'; tag: string; cost: number }
  | { kind: 'endpointcost'; toPid2: number; toExtra: number | undefined }
  | { kind: 'endpointprop'; tag: string; extraPid: string }

export interface Verdict {
  checked: number
  /** Answers whose parts come from different versions. */
  mixed: number
  /** Answers whose vtag never appeared in a network map answer (cannot be checked). */
  unknownTag: number
  examples: string[]
}

/**
 * Applies the parity rules. A network map vtag's parity is learned from the network map answers
 * themselves (a vtag seen both with and without EXTRA_PREFIX is itself a mixed answer).
 */
export function judge(observations: Iterable<Observation>): Verdict {
  const all = [...observations]
  const v: Verdict = { checked: 0, mixed: 0, unknownTag: 0, examples: [] }
  const bad = (o: Observation, why: string) => {
    v.mixed++
    if (v.examples.length < 10) v.examples.push(`${why}: ${JSON.stringify(o)}`)
  }
  const tagOdd = new Map<string, boolean>()
  for (const o of all) {
    if (o.kind !== 'networkmap') continue
    v.checked++
    const seen = tagOdd.get(o.tag)
    if (seen === undefined) tagOdd.set(o.tag, o.odd)
    else if (seen !== o.odd) bad(o, 'one vtag, two network maps')
  }
  const odd = (n: number) => n % 2 === 1
  for (const o of all) {
    if (o.kind === 'networkmap') continue
    v.checked++
    if (o.kind === 'endpointcost') {
      const want = odd(o.toPid2 - 100) ? o.toPid2 : PID1_PID3_COST
      if (o.toExtra !== want) bad(o, `cost to ${EXTRA_ADDRESS} is not ${want}`)
      continue
    }
    const tOdd = tagOdd.get(o.tag)
    if (tOdd === undefined) {
      v.unknownTag++
      continue
    }
    if (o.kind === 'endpointprop') {
      if ((o.extraPid === 'PID2') !== tOdd) bad(o, 'pid does not match the dependent vtag')
    } else if (odd(o.cost - 100) !== tOdd) bad(o, 'cost does not match the dependent vtag')
  }
  return v
}
