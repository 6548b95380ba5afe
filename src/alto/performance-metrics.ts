/**
 * @module RFC 9439 performance cost metrics: the eight registered metrics (§4, §5; IANA "ALTO
 * Cost Metrics"), their units and value ranges, the statistical operator suffix (§3.2), and the
 * cost context with its cost source (§3.1; IANA "ALTO Cost Source Types").
 *
 * [I] RFC 9439's published text was not available here; the sections and rules follow
 * draft-ietf-alto-performance-metrics-28, the draft the RFC was published from, and the IANA
 * registry, which confirms the metric names and §4.1–§4.3.
 */

/** One registered performance metric (the base name, before any `:<operator>`). */
export interface PerformanceMetric {
  /** RFC 9439 section. */
  section: string
  /** The value's unit, as the RFC states it. */
  unit: string
  /** Largest value (inclusive), when the RFC bounds it. */
  max?: number
  /** Whether a sample value is an integer (then so are cur, min, max, median and percentiles). */
  integer?: boolean
}

/** RFC 9439 §4.1–§4.5 and §5.1–§5.3: every value is a non-negative JSONNumber. */
export const PERFORMANCE_METRICS: Readonly<Record<string, PerformanceMetric>> = {
  'delay-ow': { section: '4.1', unit: 'microseconds' },
  'delay-rt': { section: '4.2', unit: 'microseconds' },
  'delay-variation': { section: '4.3', unit: 'microseconds' },
  lossrate: { section: '4.4', unit: 'percentage of packets lost', max: 100 },
  hopcount: { section: '4.5', unit: 'hops', integer: true },
  tput: { section: '5.1', unit: 'bytes per second' },
  'bw-residual': { section: '5.2', unit: 'bytes per second' },
  'bw-available': { section: '5.3', unit: 'bytes per second' },
}

/**
 * §3.2 statistical operators: `cur`, `min`, `max`, `median`, `mean`, `stddev`, `stdvar`, and
 * `p<N>` with 0 ≤ N ≤ 100 and an optional fraction (`p95`, `p99.9`).
 */
const OPERATOR =
  /^(?:cur|min|max|median|mean|stddev|stdvar|p(?:100(?:\.0+)?|[0-9]{1,2}(?:\.[0-9]+)?))$/

/** Operators whose value is one of the samples (so an integer metric stays an integer). */
const SAMPLE_OPERATORS = /^(?:cur|min|max|median|p.*)$/

/** A cost metric split into a registered performance metric and its operator. */
export interface PerformanceCostMetric {
  base: string
  metric: PerformanceMetric
  /** The `:<operator>` suffix, when present (else the metric's default statistic applies). */
  operator?: string
}

/**
 * `delay-ow:p95` → `{base: 'delay-ow', operator: 'p95'}`. Undefined when the base is not one of
 * the eight (`routingcost`, `priv:…`): those carry no RFC 9439 rules.
 */
export function performanceMetricOf(costMetric: string): PerformanceCostMetric | undefined {
  const colon = costMetric.indexOf(':')
  const base = colon < 0 ? costMetric : costMetric.slice(0, colon)
  if (!Object.hasOwn(PERFORMANCE_METRICS, base)) return undefined
  const metric = PERFORMANCE_METRICS[base]
  return colon < 0 ? { base, metric } : { base, metric, operator: costMetric.slice(colon + 1) }
}

/** Why the operator of a performance metric is not one of §3.2's, or undefined. */
export function operatorProblem(m: PerformanceCostMetric): string | undefined {
  if (m.operator === undefined || OPERATOR.test(m.operator)) return undefined
  return `statistical operator "${m.operator}" of ${m.base} is not one of cur, min, max, median, mean, stddev, stdvar, p<0..100> (RFC 9439 §3.2)`
}

/** Why `value` is out of the metric's range or unit (numerical mode), or undefined. */
export function performanceValueProblem(
  m: PerformanceCostMetric,
  value: number
): string | undefined {
  const where = `RFC 9439 §${m.metric.section}`
  if (value < 0) return `${m.base} must be non-negative (${m.metric.unit}, ${where})`
  if (m.metric.max !== undefined && value > m.metric.max)
    return `${m.base} must be at most ${m.metric.max} (${m.metric.unit}, ${where})`
  const sample = m.operator === undefined || SAMPLE_OPERATORS.test(m.operator)
  if (m.metric.integer && sample && !Number.isInteger(value))
    return `${m.base}${m.operator ? `:${m.operator}` : ''} must be an integer (${m.metric.unit}, ${where})`
  return undefined
}

/**
 * §3.1 CostContext: `cost-source` is a registered source type; `parameters` is any JSON value
 * the source type describes (e.g. `{"link": <SLA URI>}` for `sla`, §4.1.4).
 */
export interface CostContext {
  'cost-source': string
  parameters?: unknown
}

/**
 * IANA "ALTO Cost Source Types" (RFC 9439 §3.1, §8): `nominal` (configured), `sla` (committed
 * or target values) and `estimation` (computed or measured). A client MUST assume `estimation`
 * when the context is absent.
 */
export const COST_SOURCES: readonly string[] = ['nominal', 'sla', 'estimation']
