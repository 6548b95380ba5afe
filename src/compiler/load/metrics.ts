/**
 * @module RFC 9439 performance metrics in cost map sources: the metric's statistical operator
 * (§3.2), its `cost-context` (§3.1), and the unit and range of each value (§4, §5), reported
 * as source errors at their file:line:path. The vocabulary (names, units, ranges) is
 * alto/performance-metrics.ts; cost-type.ts calls these for every cost type.
 */
import type { CostType } from '../../alto/cost-types.ts'
import {
  COST_SOURCES,
  operatorProblem,
  performanceMetricOf,
  performanceValueProblem,
} from '../../alto/performance-metrics.ts'
import { Diagnostics, subPathOrigin, type Origin } from '../source-error.ts'

/**
 * A percentile with a fraction (`delay-ow:p99.9`, RFC 9439 §3.2) has a '.', which RFC 7285
 * §10.6 does not list for cost metrics. [I] RFC 9439 names such metrics itself, so the '.' is
 * allowed in the operator of the eight metrics and nowhere else: this is the metric as the
 * RFC 7285 character check sees it. The generated cost map id cannot hold a '.' (RFC 7285
 * §10.2 reserves it), so such a cost map sets its `resource-id`.
 */
export function metricForCharacterCheck(metric: string): string {
  // A bad operator is reported by checkPerformanceCostType, once.
  const m = performanceMetricOf(metric)
  if (!m || m.operator === undefined) return metric
  return `${m.base}:${m.operator.replaceAll('.', '')}`
}

/**
 * Reports a statistical operator that is not one of §3.2's, a `cost-source` that is not
 * registered, and a `routingcost` whose context is not `estimation` (§6.3: a client SHOULD
 * reject it). True when all is well.
 */
export function checkPerformanceCostType(
  diag: Diagnostics,
  costType: CostType,
  at: Origin
): boolean {
  let ok = true
  const metric = costType['cost-metric']
  const m = performanceMetricOf(metric)
  const problem = m && operatorProblem(m)
  if (problem) {
    diag.error(subPathOrigin(at, 'cost-metric'), problem, metric)
    ok = false
  }
  const context = costType['cost-context']
  if (context !== undefined) {
    const source = context['cost-source']
    const sourceAt = subPathOrigin(at, 'cost-context', 'cost-source')
    if (!COST_SOURCES.includes(source)) {
      diag.error(
        sourceAt,
        `cost source must be one of ${COST_SOURCES.join(', ')} (RFC 9439 §3.1, IANA "ALTO Cost Source Types")`,
        source
      )
      ok = false
    } else if (metric === 'routingcost' && source !== 'estimation') {
      diag.error(
        sourceAt,
        'routingcost with a cost-context must have cost-source "estimation" (RFC 9439 §6.3: clients reject any other)',
        source
      )
      ok = false
    }
  }
  return ok
}

/**
 * The value rule of a performance metric in numerical mode: non-negative, a loss rate at most
 * 100 (percent), an integer hop count. Ordinal costs are ranks, not values in the metric's unit,
 * so only the ordinal rule applies to them.
 */
export function performanceRule(
  costType: CostType
): ((value: number) => string | undefined) | undefined {
  if (costType['cost-mode'] !== 'numerical') return undefined
  const m = performanceMetricOf(costType['cost-metric'])
  if (!m || operatorProblem(m) !== undefined) return undefined
  return (value) => performanceValueProblem(m, value)
}
