/**
 * Writes README.md's benchmark table (between `<!-- bench-table -->` and
 * `<!-- /bench-table -->`) from one `npm run bench` run's bench/results.json, so the table is
 * always one full run's numbers: `node scripts/bench-table.ts [results.json]`.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { BenchResult } from '../bench/lib/harness.ts'

interface Report {
  machine: { cpu: string; cores: number; node: string; workerd?: string; date: string }
  quick: boolean
  seconds: number
  results: BenchResult[]
}

const root = join(import.meta.dirname, '..')
const report = JSON.parse(
  readFileSync(process.argv[2] ?? join(root, 'bench/results.json'), 'utf8')
) as Report

/** The README's style: whole numbers from 100 up (thousands separated), else 3 significant digits. */
function num(x: number | null): string {
  if (x === null) return '–'
  if (Math.abs(x) >= 100) return Math.round(x).toLocaleString('en-US')
  return String(Number(x.toPrecision(3)))
}
const ratio = (r: number | null) =>
  r === null ? '–' : `${r >= 1000 ? r.toPrecision(3) : Number(r.toPrecision(3))}×`
const target = (r: BenchResult) =>
  r.target ? `${r.target}${r.meets === undefined ? '' : r.meets ? ' ✓' : ' ✗'}` : ''

const m = report.machine
const lines = [
  `Machine: ${m.cpu}, ${m.cores} cores, Node ${m.node}${m.workerd ? `, workerd ${m.workerd}` : ''}; run of ${m.date.slice(0, 10)} (${report.seconds} s, ${report.quick ? 'quick' : 'full'} run). Ratio > 1 means alto-edge is better.`,
  '',
  '| benchmark | unit | alto-edge | baseline | baseline | ratio | target |',
  '|---|---|---:|---:|---|---:|---|',
  ...report.results.map(
    (r) =>
      `| ${r.name} | ${r.unit} | ${num(r.ours)} | ${num(r.baseline)} | ${r.baseline_name ?? '–'} | ${ratio(r.ratio)} | ${target(r)} |`
  ),
]
const readme = join(root, 'README.md')
const text = readFileSync(readme, 'utf8')
const start = text.indexOf('<!-- bench-table -->')
const end = text.indexOf('<!-- /bench-table -->')
if (start < 0 || end < start) throw new Error('README.md has no <!-- bench-table --> markers')
writeFileSync(
  readme,
  `${text.slice(0, start)}<!-- bench-table -->\n${lines.join('\n')}\n${text.slice(end)}`
)
console.error(`README.md: ${report.results.length} rows from the run of ${m.date}`)
