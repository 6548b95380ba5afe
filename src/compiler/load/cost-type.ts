/**
 * @module Cost types of cost map sources (RFC 7285 §6.1, §10.7): which cost modes and metrics
 * are accepted, and the rules a cost value must follow for its type.
 *
 * Where a new cost type goes:
 * - a rule that depends on the metric: RFC 9439 performance metrics (units, non-negative delay,
 *   loss rate range, integer hop count; numerical mode) are metrics.ts; any other is a row of
 *   METRIC_RULES, which applies in every mode;
 * - a new cost mode is a row of MODE_RULES (the Record type makes it exhaustive over
 *   alto/identifiers.ts COST_MODES, which decides the accepted modes);
 * - RFC 8189 multi-cost and RFC 8896 calendars change the value's shape (an array per cell),
 *   not only its rule: the checker's input and CostMapSource.cells (one number per cell) grow
 *   there, and build.ts encodes one matrix per cost type or time slot.
 */
import { costMetricProblem, COST_MODES, type CostMode } from '../../alto/identifiers.ts'
import type { CostType } from '../../alto/cost-types.ts'
import { Diagnostics, subPathOrigin, type Origin } from '../source-error.ts'
import { checkPerformanceCostType, metricForCharacterCheck, performanceRule } from './metrics.ts'

/** A rule over a finite cost value: the problem to report, or undefined when it holds. */
type CostRule = (value: number) => string | undefined

/** RFC 7285 §6.1.2: what each cost mode allows beyond a finite number. */
const MODE_RULES: Record<CostMode, CostRule | undefined> = {
  // RFC 7285 §6.1.2.1: numerical costs are any (JSON) numbers.
  numerical: undefined,
  // RFC 7285 §6.1.2.2: ordinal costs are "non-negative integers".
  ordinal: (value) =>
    !Number.isInteger(value) || value < 0
      ? 'ordinal cost must be a non-negative integer (RFC 7285 §6.1.2.2)'
      : undefined,
}

/** Rules a cost metric adds in every mode. RFC 7285's routingcost (§6.1.1.1) adds none. */
const METRIC_RULES: Partial<Record<string, CostRule>> = {}

/** Reports a cost mode or metric we do not accept; true when both are fine. */
export function checkCostType(diag: Diagnostics, costType: CostType, at: Origin): boolean {
  let ok = true
  const mode = costType['cost-mode']
  if (!(COST_MODES as readonly string[]).includes(mode)) {
    diag.error(
      subPathOrigin(at, 'cost-mode'),
      'cost mode must be "numerical" or "ordinal" (RFC 7285 §10.5)',
      mode
    )
    ok = false
  }
  const metricProblem = costMetricProblem(metricForCharacterCheck(costType['cost-metric']))
  if (metricProblem) {
    diag.error(subPathOrigin(at, 'cost-metric'), metricProblem, costType['cost-metric'])
    ok = false
  }
  if (!checkPerformanceCostType(diag, costType, at)) ok = false
  return ok
}

/** The cost type as the model keeps it: mode, metric, cost context and description only. */
export function cleanCostType(costType: CostType): CostType {
  const { 'cost-mode': mode, 'cost-metric': metric } = costType
  const clean: CostType = { 'cost-mode': mode, 'cost-metric': metric }
  const context = costType['cost-context']
  if (context !== undefined) {
    clean['cost-context'] = { 'cost-source': context['cost-source'] }
    if (context.parameters !== undefined) clean['cost-context'].parameters = context.parameters
  }
  if (costType.description !== undefined) clean.description = costType.description
  return clean
}

/** Checks one cost value of a cost map of this type; returns it, or undefined (reported). */
/** `at` may be a function: it is called only to report (a CSV line's origin is then built lazily). */
export type CostChecker = (
  diag: Diagnostics,
  value: unknown,
  at: Origin | (() => Origin)
) => number | undefined

/** The value checker of a cost type (an unknown mode, already reported, adds no rule). */
export function costChecker(costType: CostType): CostChecker {
  const rules = [
    ownRow(MODE_RULES, costType['cost-mode']),
    ownRow(METRIC_RULES, costType['cost-metric']),
    performanceRule(costType),
  ].filter((r): r is CostRule => r !== undefined)
  const origin = (at: Origin | (() => Origin)) => (typeof at === 'function' ? at() : at)
  return (diag, value, at) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      diag.error(origin(at), 'cost must be a finite number', value)
      return undefined
    }
    for (const rule of rules) {
      const problem = rule(value)
      if (problem !== undefined) {
        diag.error(origin(at), problem, value)
        return undefined
      }
    }
    return value
  }
}

/** `table[key]` when it is the table's own row (a metric may be named `constructor`). */
function ownRow(table: Partial<Record<string, CostRule>>, key: string): CostRule | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined
}
