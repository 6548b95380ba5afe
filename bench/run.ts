/**
 * Benchmarks (GitHub issue #4): `npm run bench` (= node bench/run.ts) [--quick] [--only a,b].
 * Sections: lpm, load, e2e, scale, throughput, handler. Prints a table and writes bench/results.json.
 * Method and latest numbers: docs/benchmarks.md.
 */
import { writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { loadAsnMap } from './lib/asn-map-data.ts'
import { type BenchResult, formatTable, log, machineInfo, skipped } from './lib/harness.ts'

const SECTIONS = ['lpm', 'load', 'e2e', 'scale', 'throughput', 'handler'] as const
type Section = (typeof SECTIONS)[number]

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    out: { type: 'string', default: 'bench/results.json' },
  },
})
const quick = values.quick!
const only = new Set((values.only?.split(',') ?? SECTIONS) as Section[])
for (const s of only)
  if (!SECTIONS.includes(s)) throw new Error(`unknown section ${s}; known: ${SECTIONS.join(', ')}`)

const runs = quick ? { warmup: 1, runs: 3 } : { warmup: 2, runs: 5 }
const started = performance.now()
const results: BenchResult[] = []

async function section(
  name: Section,
  body: () => Promise<BenchResult[]> | BenchResult[]
): Promise<void> {
  if (!only.has(name)) return
  const t0 = performance.now()
  log(`== ${name}`)
  try {
    results.push(...(await body()))
  } catch (e) {
    const err = e as Error
    console.error(err.stack ?? err)
    results.push(skipped(`${name} (failed)`, err.message.split('\n')[0]))
  }
  log(`== ${name} done in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
}

const needsAsn = only.has('lpm') || only.has('load')
const asn = needsAsn ? loadAsnMap() : null

await section('lpm', async () => {
  const { benchLpm } = await import('./lpm.ts')
  return benchLpm({ ...runs, queries: quick ? 200_000 : 1_000_000, verifyQueries: 200_000 }, asn!)
})
await section('load', async () => {
  const { benchLoad } = await import('./load.ts')
  return benchLoad(quick ? { warmup: 2, runs: 5 } : { warmup: 3, runs: 15 }, asn!)
})
await section('e2e', async () => (await import('./e2e.ts')).benchE2e({ quick }))
await section('scale', async () => (await import('./scale.ts')).benchScale({ quick }))
await section('throughput', async () =>
  (await import('./throughput.ts')).benchThroughput({ quick })
)
// In a process of its own: a fresh heap, as an isolate's (runHandlerSection says why).
await section('handler', async () => (await import('./handler.ts')).runHandlerSection({ quick }))

const machine = machineInfo()
const report = {
  machine,
  quick,
  seconds: Math.round((performance.now() - started) / 1000),
  results,
}
writeFileSync(values.out!, JSON.stringify(report, null, 2) + '\n')
console.log(
  `\nmachine: ${machine.cpu}, ${machine.cores} cores, node ${machine.node}, workerd ${machine.workerd}`
)
console.log(formatTable(results))
console.log(`\nwrote ${values.out} (${report.seconds} s${quick ? ', --quick' : ''})`)
