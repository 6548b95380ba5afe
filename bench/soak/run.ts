/**
 * @module `npm run soak` (issue #14): the soak run or (`--scale N`) the subscriber-scale run of
 * soak.ts, printed as JSON (and written to `--json FILE`); exit 1 when a rule did not hold.
 *
 *   npm run soak -- [--duration 600] [--step 30] [--workers 8] [--subscribers 10]
 *                   [--fault-rate 0.01] [--max-requests 2000000] [--json FILE]
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
    scale: { type: 'string' },
    json: { type: 'string' },
  },
})

const summary = args.scale
  ? await runScale(Number(args.scale))
  : await runSoak({
      durationSeconds: Number(args.duration),
      stepSeconds: Number(args.step),
      workers: Number(args.workers),
      subscribers: Number(args.subscribers),
      faultRate: Number(args['fault-rate']),
      maxRequests: Number(args['max-requests']),
    })
if (args.json) writeFileSync(args.json, JSON.stringify(summary, null, 2))
const { memory, ...rest } = summary as { memory?: { samples?: unknown } }
console.log(
  JSON.stringify({ ...rest, memory: memory && { ...memory, samples: undefined } }, null, 2)
)
for (const b of summary.broken) console.log(`BROKEN: ${b}`)
if (!summary.broken.length) console.log('all rules held')
process.exit(summary.broken.length ? 1 : 0)
