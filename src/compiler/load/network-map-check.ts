/**
 * @module The RFC 7285 §11.2.2 rules over one network map as read: no prefix twice, no prefix
 * in two PIDs, a default route per address family in use (completeness), and the PID count the
 * tables can index.
 */
import { MAX_VALUES } from '../../tables/index.ts'
import { Diagnostics, describeOrigin, type Origin } from '../source-error.ts'
import type { NetworkMapRead } from './model.ts'

/** Reports every violation in `nm` (the map is kept either way). */
export function checkNetworkMap(diag: Diagnostics, nm: NetworkMapRead): void {
  const seen = new Map<string, { pid: string; origin: Origin }>()
  const hasDefault = { 4: false, 6: false }
  const count = { 4: 0, 6: 0 }
  for (const pid of nm.pids.values()) {
    for (const prefix of [...pid.v4, ...pid.v6]) {
      count[prefix.family]++
      if (prefix.len === 0) hasDefault[prefix.family] = true
      const first = seen.get(prefix.text)
      if (!first) {
        seen.set(prefix.text, { pid: pid.name, origin: prefix.origin })
      } else if (first.pid === pid.name) {
        diag.error(
          prefix.origin,
          `prefix ${prefix.text} is listed twice in PID ${pid.name} (first at ${describeOrigin(first.origin)})`,
          prefix.text
        )
      } else {
        // RFC 7285 §11.2.2: "the network map MUST NOT contain identical prefixes in two or more PIDs".
        diag.error(
          prefix.origin,
          `prefix ${prefix.text} is in PIDs ${first.pid} and ${pid.name}; RFC 7285 §11.2.2 forbids identical prefixes in two PIDs (first at ${describeOrigin(first.origin)})`,
          prefix.text
        )
      }
    }
  }
  for (const family of [4, 6] as const) {
    if (count[family] > 0 && !hasDefault[family]) {
      const route = family === 4 ? '0.0.0.0/0' : '::/0'
      // RFC 7285 §11.2.2: "the ALTO server MUST define PIDs for every address of every address
      // type" the map contains; we require the default route so completeness is evident.
      diag.error(
        nm.origin,
        `network map ${nm.id} has IPv${family} prefixes but no IPv${family} default route ${route}; RFC 7285 §11.2.2 requires every IPv${family} address to map to a PID`,
        nm.id
      )
    }
  }
  if (nm.pids.size > MAX_VALUES) {
    diag.error(
      nm.origin,
      `network map ${nm.id} has ${nm.pids.size} PIDs; at most ${MAX_VALUES} are supported`,
      nm.id
    )
  }
}
