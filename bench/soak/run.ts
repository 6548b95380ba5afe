/**
 * @module `npm run soak` (issue #14): the soak run or (`--scale N`) the subscriber-scale run of
 * soak.ts, printed as JSON (and written to `--json FILE`); exit 1 when a rule did not hold.
 *
 *   npm run soak -- [--duration 600] [--step 30] [--workers 8] [--subscribers 10]
 *                   [--fault-rate 0.01] [--max-requests 2000000] [--cycle 0] [--json FILE]
 *   npm run soak -- --scale 1000 [--json FILE]
 */
import { writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { runScale, runSoak } from './soak.ts'

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '600' },
    step: { type: 'string', default: '30' },
    workers: { type: 'string', default: '8' },
    subscribers: { type: 'string', default: '10' },
    'fault-rate': { type: 'string', default: '0.01' },
    'max-requests': { type: 'string', default: '2000000' },
    cycle: { type: 'string', default: '0' },
    scale: { type: 'string' },
    json: { type: 'string' },
  },
})

if (Number(args.cycle) % 2 !== 0) {
  // Consecutive versions must differ in parity (variants.ts), which an odd cycle breaks.
  console.error(`--cycle must be 0 or even, not ${args.cycle}`)
  process.exit(2)
}

const summary = args.scale
  ? await runScale(Number(args.scale))
  : await runSoak({
      durationSeconds: Number(args.duration),
      stepSeconds: Number(args.step),
      workers: Number(args.workers),
      subscribers: Number(args.subscribers),
      faultRate: Number(args['fault-rate']),
      maxRequests: Number(args['max-requests']),
      contentCycle: Number(args.cycle),
    })
if (args.json) writeFileSync(args.json, JSON.stringify(summary, null, 2))
const { memory, ...rest } = summary as { memory?: { samples?: unknown } }
console.log(
  JSON.stringify({ ...rest, memory: memory && { ...memory, samples: undefined } }, null, 2)
)
for (const b of summary.broken) console.log(`BROKEN: ${b}`)
if (!summary.broken.length) console.log('all rules held')
process.exit(summary.broken.length ? 1 : 0)
