/**
 * @module Benchmark plumbing: seeded inputs, warm-up + timed runs with medians, result rows,
 * machine description. No timing assertions anywhere: benchmarks report, tests assert.
 */
import { readFileSync } from 'node:fs'
import { cpus } from 'node:os'

/** mulberry32: a tiny seeded PRNG returning u32s (deterministic inputs across runs). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return (t ^ (t >>> 14)) >>> 0
  }
}

export const SEED = 0x5eed1234

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

export interface RunOptions {
  warmup: number
  runs: number
}

/**
 * Runs `pass` warmup + runs times; returns the median wall time of the timed runs in ns and the
 * value each pass returned (a checksum the caller compares, so the work cannot be optimized away
 * and the passes provably did the same thing).
 */
export function timePasses(
  pass: () => number,
  opts: RunOptions
): { medianNs: number; checksum: number } {
  let checksum = NaN
  for (let i = 0; i < opts.warmup; i++) checksum = pass()
  const times: number[] = []
  for (let i = 0; i < opts.runs; i++) {
    const t0 = process.hrtime.bigint()
    const c = pass()
    times.push(Number(process.hrtime.bigint() - t0))
    if (opts.warmup > 0 || i > 0) {
      if (c !== checksum) throw new Error(`checksum changed between passes: ${checksum} vs ${c}`)
    }
    checksum = c
  }
  return { medianNs: median(times), checksum }
}

/** Async variant (each sample is one awaited call); returns every sample too. */
export async function timeAsync(
  call: () => Promise<unknown>,
  opts: RunOptions
): Promise<{ medianNs: number; samples: number[] }> {
  for (let i = 0; i < opts.warmup; i++) await call()
  const samples: number[] = []
  for (let i = 0; i < opts.runs; i++) {
    const t0 = process.hrtime.bigint()
    await call()
    samples.push(Number(process.hrtime.bigint() - t0))
  }
  return { medianNs: median(samples), samples }
}

/** One row of bench/results.json. `ratio` > 1 means we are better (baseline / ours). */
export interface BenchResult {
  name: string
  unit: string
  ours: number | null
  baseline: number | null
  baseline_name: string | null
  ratio: number | null
  /** The goal from issue #4, printed next to the ratio. */
  target?: string
  /** Whether the target is met (absent when there is no target). */
  meets?: boolean
  note?: string
}

const round = (x: number, digits = 3) => Number(x.toPrecision(digits + 3))

type RowExtra = Pick<BenchResult, 'target' | 'meets' | 'note'>

/** A result row; `ratio` is computed by the caller's rule (> 1 means we are better). */
function row(
  name: string,
  unit: string,
  ours: number,
  baseline: number | null,
  baselineName: string | null,
  ratio: number | null,
  extra: RowExtra
): BenchResult {
  return {
    name,
    unit,
    ours: round(ours),
    baseline: baseline === null ? null : round(baseline),
    baseline_name: baselineName,
    ratio: ratio === null ? null : round(ratio, 0),
    ...extra,
  }
}

/** A comparison row where smaller is better for both sides (time, bytes): ratio = baseline / ours. */
export function lowerIsBetter(
  name: string,
  unit: string,
  ours: number,
  baseline: number | null,
  baselineName: string | null,
  extra: RowExtra = {}
): BenchResult {
  return row(
    name,
    unit,
    ours,
    baseline,
    baselineName,
    baseline === null ? null : baseline / ours,
    extra
  )
}

/** A row where larger is better (throughput): ratio = ours / baseline. */
export function higherIsBetter(
  name: string,
  unit: string,
  ours: number,
  baseline: number | null,
  baselineName: string | null,
  extra: RowExtra = {}
): BenchResult {
  return row(
    name,
    unit,
    ours,
    baseline,
    baselineName,
    baseline === null ? null : ours / baseline,
    extra
  )
}

/** A row for something that could not be measured in this run. */
export function skipped(name: string, why: string): BenchResult {
  return {
    name,
    unit: '-',
    ours: null,
    baseline: null,
    baseline_name: null,
    ratio: null,
    note: `skipped: ${why}`,
  }
}

export function machineInfo(): {
  cpu: string
  cores: number
  node: string
  workerd: string
  date: string
} {
  let workerd = 'unknown'
  try {
    workerd = JSON.parse(readFileSync('node_modules/workerd/package.json', 'utf8')).version
  } catch {
    // not installed: keep "unknown"
  }
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    node: process.version,
    workerd,
    date: new Date().toISOString(),
  }
}

export function formatTable(results: readonly BenchResult[]): string {
  const fmt = (x: number | null) =>
    x === null ? '-' : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toPrecision(3)
  const rows = results.map((r) => [
    r.name,
    r.unit,
    fmt(r.ours),
    fmt(r.baseline),
    r.baseline_name ?? '-',
    r.ratio === null ? '-' : `${r.ratio}x`,
    r.target ? `${r.target}${r.meets === undefined ? '' : r.meets ? ' ✓' : ' ✗'}` : (r.note ?? ''),
  ])
  const header = [
    'benchmark',
    'unit',
    'ours',
    'baseline',
    'baseline name',
    'ratio',
    'target / note',
  ]
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)))
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ')
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n')
}

export const log = (msg: string) => console.error(`[bench] ${msg}`)
