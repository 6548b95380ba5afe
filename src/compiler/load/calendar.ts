/**
 * @module RFC 8896 cost calendar sources (docs/source-format.md, "Cost calendars") → N values per
 * PID pair of an existing cost map. The cost map keeps its single current value (RFC 8896 §3.3:
 * "a calendared metric MUST also be available as a single current value"); the calendar adds
 * `number-of-intervals` values per pair, in one of two forms:
 *
 * - `costs`: src PID → dst PID → array of exactly N values, each checked by the cost type's
 *   rules (the cost map's), so a bad value is its own error with its index in the path;
 * - `scale`: N factors; interval k of a pair is round(current cost × factor k) — a daily shape
 *   over the whole map in one line (the ASN example).
 *
 * Timing: `time-interval-size` (seconds, > 0), `number-of-intervals` (integer ≥ 1), `anchor` (an
 * RFC 3339 time at which an iteration starts: iterations follow each other from it, so an answer's
 * `calendar-start-time` is the start of the iteration holding the request time) and `repeated`
 * (optional, RFC 8896 §4.1: how many consecutive iterations have these values).
 */
import { Diagnostics, joinPath, subPath, type Origin } from '../source-error.ts'
import type { EntrySource } from './config-entries.ts'
import { costChecker } from './cost-type.ts'
import { checkSchema } from './json.ts'
import {
  MAX_COST_CELLS,
  type CalendarSource,
  type CalendarTimingSource,
  type CostMapSource,
} from './model.ts'
import { costCalendarSchema, type MapEntry } from './schema.ts'

/** Most intervals of one calendar (a week of minutes). */
export const MAX_CALENDAR_INTERVALS = 7 * 24 * 60

/**
 * Most cells (PIDs² × intervals) of a `scale` calendar. The loader keeps only the factors and
 * the encoder writes the narrowest cells directly (no Float64 copy), so the bound is the Worker,
 * which holds a calendar blob whole: 2^26 cells are 64 MiB as U8, half an isolate's 128 MB.
 * The 1,240-PID ASN map's 24 hourly intervals are 36.9 M cells (36.9 MB, U8). The `costs` form
 * is materialised as Float64 while loading and stays within MAX_COST_CELLS (2^25).
 */
export const MAX_SCALED_CALENDAR_CELLS = 1 << 26

/** Reads one calendar over the cost map it names; reports every problem. */
export function loadCostCalendar(
  diag: Diagnostics,
  source: EntrySource<MapEntry>,
  costMaps: ReadonlyMap<string, CostMapSource>,
  pidIndexOf: (cm: CostMapSource) => ReadonlyMap<string, number>
): { costMap: string; calendar: CalendarSource } | undefined {
  const { file } = source
  const cal = checkSchema(diag, file, costCalendarSchema, source.data)
  if (!cal) return undefined
  const at = (path: string): Origin => ({ file, path })
  let ok = true
  const fail = (where: Origin, message: string, value: unknown): void => {
    diag.error(where, message, value)
    ok = false
  }
  const cm = costMaps.get(cal['cost-map'])
  if (!cm) {
    fail(
      at('cost-map'),
      `cost map ${cal['cost-map']} is not defined in this map set`,
      cal['cost-map']
    )
    return undefined
  }
  const timing = checkCalendarTiming(diag, file, cal, [])
  if (!timing) ok = false
  if ((cal.costs === undefined) === (cal.scale === undefined))
    fail(at(''), 'give exactly one of "costs" (values per pair) and "scale" (factors)', null)
  if (!ok || !timing) return undefined
  const N = timing.intervals
  const n = cm.n
  const limit = cal.scale !== undefined ? MAX_SCALED_CALENDAR_CELLS : MAX_COST_CELLS
  if (n * n * N > limit) {
    fail(
      at('number-of-intervals'),
      `a calendar of ${N} intervals over ${n} PIDs needs ${n * n * N} cells; at most ${limit} are supported` +
        (cal.scale !== undefined
          ? ''
          : ` with "costs" (${MAX_SCALED_CALENDAR_CELLS} with "scale")`),
      N
    )
    return undefined
  }
  const check = costChecker(cm.costType)
  if (cal.scale !== undefined) {
    if (cal.scale.length !== N)
      fail(
        at('scale'),
        `has ${cal.scale.length} factors; number-of-intervals is ${N}`,
        cal.scale.length
      )
    cal.scale.forEach((f, k) => {
      if (!(Number.isFinite(f) && f >= 0)) fail(at(`scale[${k}]`), 'must be a number ≥ 0', f)
    })
    if (!ok) return undefined
    // The scaled values must still satisfy the cost type (an ordinal rank stays ≥ 1, say):
    // rounding keeps them integers and scaling by f ≥ 0 keeps the order, so each interval's
    // smallest value, round(least cost × f), is the one to check.
    let least = Number.POSITIVE_INFINITY
    for (let pair = 0; pair < n * n; pair++) if (cm.cells[pair] < least) least = cm.cells[pair]
    if (Number.isFinite(least))
      cal.scale.forEach((f, k) => {
        if (check(diag, Math.round(least * f) + 0, at(`scale[${k}]`)) === undefined) ok = false
      })
    if (!ok) return undefined
    return { costMap: cm.id, calendar: { file, ...timing, scale: [...cal.scale] } }
  }
  const cells = new Float64Array(n * n * N).fill(Number.NaN)
  {
    const index = pidIndexOf(cm)
    for (const [src, row] of Object.entries(cal.costs!)) {
      const srcPath = joinPath(['costs', src])
      const si = index.get(src)
      if (si === undefined)
        fail(at(srcPath), `source PID ${src} is not in network map ${cm.networkMap}`, src)
      for (const [dst, values] of Object.entries(row)) {
        const path = subPath(srcPath, dst)
        const di = index.get(dst)
        if (di === undefined)
          fail(at(path), `destination PID ${dst} is not in network map ${cm.networkMap}`, dst)
        if (!Array.isArray(values)) {
          fail(at(path), `must be an array of ${N} values (one per interval)`, values)
          continue
        }
        if (values.length !== N)
          fail(at(path), `has ${values.length} values; number-of-intervals is ${N}`, values.length)
        if (si === undefined || di === undefined || values.length !== N) continue
        const base = (si * n + di) * N
        values.forEach((raw, k) => {
          const v = check(diag, raw, at(`${path}[${k}]`))
          if (v === undefined) ok = false
          else cells[base + k] = v
        })
      }
    }
  }
  if (!ok) return undefined
  return { costMap: cm.id, calendar: { file, ...timing, cells } }
}

/**
 * Checks a calendar's timing members (cost calendars and path-vector calendars, under `prefix`):
 * `number-of-intervals` an integer in 1..MAX_CALENDAR_INTERVALS, `time-interval-size` > 0
 * seconds, `anchor` an RFC 3339 date-time, `repeated` an integer ≥ 1 when given. Reports every
 * problem; undefined when there was one.
 */
export function checkCalendarTiming(
  diag: Diagnostics,
  file: string,
  cal: {
    'number-of-intervals': number
    'time-interval-size': number
    anchor: string
    repeated?: number
  },
  prefix: readonly string[]
): CalendarTimingSource | undefined {
  let ok = true
  const fail = (member: string, message: string, value: unknown): void => {
    diag.error({ file, path: joinPath([...prefix, member]) }, message, value)
    ok = false
  }
  const N = cal['number-of-intervals']
  if (!Number.isInteger(N) || N < 1 || N > MAX_CALENDAR_INTERVALS)
    fail('number-of-intervals', `must be an integer in 1..${MAX_CALENDAR_INTERVALS}`, N)
  const size = cal['time-interval-size']
  if (!(Number.isFinite(size) && size > 0))
    fail('time-interval-size', 'must be a positive number of seconds', size)
  const anchorMs = Date.parse(cal.anchor)
  if (!RFC3339.test(cal.anchor) || Number.isNaN(anchorMs))
    fail('anchor', 'must be an RFC 3339 date-time, e.g. 2026-01-05T00:00:00Z', cal.anchor)
  const repeated = cal.repeated
  if (repeated !== undefined && !(Number.isInteger(repeated) && repeated >= 1))
    fail('repeated', 'must be an integer ≥ 1 (RFC 8896 §4.1)', repeated)
  if (!ok) return undefined
  return {
    intervals: N,
    intervalSeconds: size,
    anchor: new Date(anchorMs).toISOString(),
    ...(repeated !== undefined ? { repeated } : {}),
  }
}

/** RFC 3339 §5.6 date-time (Date.parse alone also takes many other forms). */
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/
