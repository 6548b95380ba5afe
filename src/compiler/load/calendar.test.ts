import { describe, expect, it } from 'vitest'
import { CostCalendar } from '../../tables/calendar.ts'
import { compileMapSet, validateMapSet, type SourceError, type SourceFiles } from '../index.ts'
import { baseFiles, editJson, json } from '../test-fixtures.ts'

const CM = 'net-num-routingcost'
const N = 3

/** The base map set plus a calendar source `cal.json` of its routingcost map. */
function withCalendar(cal: Record<string, unknown>): SourceFiles {
  const files = baseFiles()
  const config = JSON.parse(files['alto-edge.json'])
  config['cost-calendars'] = [{ file: 'cal.json' }]
  return { ...files, 'alto-edge.json': json(config), 'cal.json': json(cal) }
}

const base = {
  'cost-map': CM,
  'time-interval-size': 3600,
  'number-of-intervals': N,
  anchor: '2026-01-05T00:00:00Z',
}

async function errorsOf(files: SourceFiles): Promise<SourceError[]> {
  const r = await compileMapSet(files)
  if (r.ok) throw new Error('expected errors, compile succeeded')
  expect(validateMapSet(files).errors).toEqual(r.errors)
  return r.errors
}

const brief = (errors: SourceError[]) => errors.map((e) => `${e.file} ${e.path}: ${e.message}`)

describe('RFC 8896 cost calendar sources (docs/source-format.md "Cost calendars")', () => {
  it('compiles explicit values into the cost map entry: COST_CALENDAR cells and the timing', async () => {
    const r = await compileMapSet(
      withCalendar({ ...base, repeated: 7, costs: { A: { B: [2, 3, 4] }, B: { A: [5, 6, 7] } } })
    )
    if (!r.ok) throw new Error(JSON.stringify(r.errors))
    const entry = r.build.manifest['cost-maps'][CM]
    expect(entry.calendar).toMatchObject({
      'number-of-intervals': N,
      'time-interval-size': 3600,
      anchor: '2026-01-05T00:00:00.000Z',
      repeated: 7,
    })
    const cal = CostCalendar.open(r.build.blobs.get(entry.calendar!.table.sha256)!)
    const out = new Float64Array(N)
    expect(cal.pair(0, 1, out)).toBe(true)
    expect([...out]).toEqual([2, 3, 4])
    cal.pair(1, 0, out)
    expect([...out]).toEqual([5, 6, 7])
    expect(cal.pair(0, 0, out)).toBe(false)
  })

  it('`scale`: interval k = round(current cost × factor k) for every pair of the cost map', async () => {
    const r = await compileMapSet(withCalendar({ ...base, scale: [1, 1.5, 0.5] }))
    if (!r.ok) throw new Error(JSON.stringify(r.errors))
    const entry = r.build.manifest['cost-maps'][CM]
    const cal = CostCalendar.open(r.build.blobs.get(entry.calendar!.table.sha256)!)
    const out = new Float64Array(N)
    cal.pair(0, 2, out) // A → D costs 3
    expect([...out]).toEqual([3, 5, 2])
    expect(cal.pair(1, 2, out)).toBe(false) // B → D has no cost
  })

  it('reports every source error with file and path', async () => {
    const errors = await errorsOf(
      withCalendar({
        ...base,
        costs: {
          A: { B: [1, 2], D: [1, 'x', 3], Z: [1, 2, 3] },
          Q: { A: [1, 2, 3] },
          B: { A: 4 },
        },
      })
    )
    expect(brief(errors)).toEqual([
      'cal.json costs.A.B: has 2 values; number-of-intervals is 3',
      'cal.json costs.A.D[1]: cost must be a finite number',
      'cal.json costs.A.Z: destination PID Z is not in network map net',
      'cal.json costs.Q: source PID Q is not in network map net',
      'cal.json costs.B.A: must be an array of 3 values (one per interval)',
    ])
  })

  it('refuses bad timing, an unknown cost map, both or neither value forms, and bad factors', async () => {
    expect(
      brief(
        await errorsOf(
          withCalendar({
            'cost-map': CM,
            'time-interval-size': 0,
            'number-of-intervals': 1.5,
            anchor: 'yesterday',
            repeated: 0,
          })
        )
      )
    ).toEqual([
      'cal.json number-of-intervals: must be an integer in 1..10080',
      'cal.json time-interval-size: must be a positive number of seconds',
      'cal.json anchor: must be an RFC 3339 date-time, e.g. 2026-01-05T00:00:00Z',
      'cal.json repeated: must be an integer ≥ 1 (RFC 8896 §4.1)',
      'cal.json : give exactly one of "costs" (values per pair) and "scale" (factors)',
    ])
    expect(
      brief(await errorsOf(withCalendar({ ...base, 'cost-map': 'nope', scale: [1] })))
    ).toEqual(['cal.json cost-map: cost map nope is not defined in this map set'])
    expect(brief(await errorsOf(withCalendar({ ...base, scale: [1, -1] })))).toEqual([
      'cal.json scale: has 2 factors; number-of-intervals is 3',
      'cal.json scale[1]: must be a number ≥ 0',
    ])
  })

  it('bounds the cells: `costs` (Float64 while loading) at 2^25, `scale` (encoded directly) at 2^26', async () => {
    // A network map of `pids` PIDs (one /24 each) with a full routingcost map.
    const sized = (pids: number, cal: Record<string, unknown>): SourceFiles => {
      const names = Array.from({ length: pids }, (_, i) => `P${String(i).padStart(2, '0')}`)
      let files = withCalendar(cal)
      files = editJson(files, 'net.json', (net) => {
        net.pids = Object.fromEntries(names.map((p, i) => [p, { ipv4: [`10.${i}.0.0/16`] }]))
        net.pids.P00.ipv4.push('0.0.0.0/0')
      })
      return editJson(files, 'cost.json', (cm) => {
        cm.costs = Object.fromEntries(
          names.map((s, i) => [s, Object.fromEntries(names.map((d, j) => [d, 1 + ((i + j) % 9)]))])
        )
      })
    }
    const week = { ...base, 'number-of-intervals': 10080 }
    // 58² × 10080 = 33.9 M cells: over 2^25 = 33.6 M, under 2^26 = 67.1 M
    expect(brief(await errorsOf(sized(58, { ...week, costs: {} })))).toEqual([
      'cal.json number-of-intervals: a calendar of 10080 intervals over 58 PIDs needs 33909120 cells; at most 33554432 are supported with "costs" (67108864 with "scale")',
    ])
    const scale = Array.from({ length: 10080 }, (_, k) => 1 + (k % 3) / 2)
    const r = await compileMapSet(sized(58, { ...week, scale }))
    if (!r.ok) throw new Error(JSON.stringify(r.errors))
    const entry = r.build.manifest['cost-maps'][CM]
    const cal = CostCalendar.open(r.build.blobs.get(entry.calendar!.table.sha256)!)
    expect([cal.n, cal.intervals, cal.encoding]).toEqual([58, 10080, 1]) // U8: ≤ 9 × 2
    expect(cal.byteLength).toBeGreaterThan(58 * 58 * 10080)
    // pair P03 → P05 costs 1 + 8 % 9 = 9; factors 1, 1.5, 2, 1, …: 9, 13.5 → 14, 18, 9, …
    expect([0, 1, 2, 3, 10079].map((k) => cal.get(3, 5, k))).toEqual([9, 14, 18, 9, 18])
    // 82² × 10080 = 67.8 M cells: over 2^26
    expect(brief(await errorsOf(sized(82, { ...week, scale })))).toEqual([
      'cal.json number-of-intervals: a calendar of 10080 intervals over 82 PIDs needs 67777920 cells; at most 67108864 are supported',
    ])
  })

  it('a cost map has one calendar at most; a map set without calendars has none', async () => {
    const files = withCalendar({ ...base, scale: [1, 1, 1] })
    const config = JSON.parse(files['alto-edge.json'])
    config['cost-calendars'].push({ file: 'cal2.json' })
    const twice = { ...files, 'alto-edge.json': json(config), 'cal2.json': files['cal.json'] }
    expect(brief(await errorsOf(twice))).toEqual([
      `cal2.json cost-map: cost map ${CM} already has a calendar (cal.json)`,
    ])
    const plain = await compileMapSet(baseFiles())
    if (!plain.ok) throw new Error('base set')
    expect(plain.build.manifest['cost-maps'][CM].calendar).toBeUndefined()
  })
})
