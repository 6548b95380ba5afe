/**
 * @module RFC 8896 cost calendars: the IRD's `calendar-attributes` (§4.1), the request's
 * `calendared` member (§5.1.1, §5.2.1) and the answer's `calendar-response-attributes` (§5.1.2,
 * §5.2.2). Shared by the IRD builder and both cost services; pure.
 */
import { altoFail } from './errors.ts'

/** What a cost map's calendar says about time (manifest `calendar`, store/manifest.ts). */
export interface CalendarTiming {
  'number-of-intervals': number
  'time-interval-size': number
  /** ISO time at which an iteration starts. */
  anchor: string
  repeated?: number
}

/**
 * RFC 8896 §4.1: "object { JSONString cost-type-names<1..*>; JSONNumber time-interval-size;
 * JSONNumber number-of-intervals; } CalendarAttributes;"
 */
export interface CalendarAttributes {
  'cost-type-names': string[]
  'time-interval-size': number
  'number-of-intervals': number
}

/**
 * The `calendar-attributes` capability of network map `nmId`'s filtered cost map and endpoint
 * cost services (and, with the path table's own calendar, of its path-vector resources): the
 * cost types whose cost map has a calendar, grouped by interval size and
 * count (§4.1: "a cost type name MUST NOT appear in more than one element"); undefined when none.
 */
export function calendarAttributes(
  costMaps: Iterable<{
    'network-map': string
    'cost-type-name': string
    calendar?: CalendarTiming
  }>,
  nmId: string
): CalendarAttributes[] | undefined {
  const groups = new Map<string, CalendarAttributes>()
  for (const cm of costMaps) {
    const cal = cm.calendar
    if (cm['network-map'] !== nmId || !cal) continue
    const key = `${cal['time-interval-size']}\n${cal['number-of-intervals']}`
    let g = groups.get(key)
    if (!g)
      groups.set(
        key,
        (g = {
          'cost-type-names': [],
          'time-interval-size': cal['time-interval-size'],
          'number-of-intervals': cal['number-of-intervals'],
        })
      )
    g['cost-type-names'].push(cm['cost-type-name'])
  }
  if (groups.size === 0) return undefined
  const out = [...groups.values()]
  for (const g of out) g['cost-type-names'].sort()
  return out.sort((a, b) => (a['cost-type-names'][0] < b['cost-type-names'][0] ? -1 : 1))
}

/**
 * The request's `calendared` flags, one per returned cost type (§5.1.1: "an array of booleans
 * ... with the same number of elements as 'cost-type' (1) or 'multi-cost-types'"). Absent: all
 * false. A wrong length is E_INVALID_FIELD_VALUE.
 */
export function calendaredFlags(
  calendared: readonly boolean[] | undefined,
  types: number
): boolean[] {
  if (calendared === undefined) return new Array<boolean>(types).fill(false)
  if (calendared.length !== types)
    altoFail({
      code: 'E_INVALID_FIELD_VALUE',
      field: 'calendared',
      value: `${calendared.length} flags for ${types} cost type${types === 1 ? '' : 's'} (RFC 8896 §5.1.1: one per cost type)`,
    })
  return [...calendared]
}

/**
 * The start of the iteration holding `nowMs`: iterations of `intervals × size` seconds follow
 * each other from the anchor (before it, too), so the start is never later than the request
 * (§5.1.2: "SHOULD NOT be later than the request").
 */
export function iterationStart(timing: CalendarTiming, nowMs: number): Date {
  const anchor = Date.parse(timing.anchor)
  const period = timing['time-interval-size'] * timing['number-of-intervals'] * 1000
  return new Date(anchor + Math.floor((nowMs - anchor) / period) * period)
}

/**
 * §5.1.2 `calendar-response-attributes`: one element per distinct timing of the calendared
 * types, `cost-type-names` given when more than one type is calendared ("MUST be present" then),
 * `calendar-start-time` as an IMF-fixdate (RFC 9110 §5.6.7; `Date#toUTCString` writes exactly
 * that form).
 */
export function calendarResponseAttributes(
  calendared: readonly { name: string; timing: CalendarTiming }[],
  nowMs: number
): string {
  const named = calendared.length > 1
  const groups = new Map<string, { names: string[]; timing: CalendarTiming }>()
  for (const { name, timing } of calendared) {
    // The timing alone (a manifest's calendar entry also carries its table).
    const key = `${timing['time-interval-size']} ${timing['number-of-intervals']} ${timing.anchor} ${timing.repeated ?? ''}`
    const g = groups.get(key)
    if (g) g.names.push(name)
    else groups.set(key, { names: [name], timing })
  }
  const items = [...groups.values()].map(({ names, timing }) => ({
    ...(named ? { 'cost-type-names': names } : {}),
    'calendar-start-time': iterationStart(timing, nowMs).toUTCString(),
    'time-interval-size': timing['time-interval-size'],
    'number-of-intervals': timing['number-of-intervals'],
    ...(timing.repeated !== undefined ? { repeated: timing.repeated } : {}),
  }))
  return JSON.stringify(items)
}
