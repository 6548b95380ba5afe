/**
 * @module Cost types (RFC 7285 §10.7): a cost mode and a cost metric, with an optional
 * description, and the IRD's names for them (`meta.cost-types`). RFC 9439 §3.1 adds the optional
 * `cost-context` (where the values come from).
 */
import type { CostContext } from './performance-metrics.ts'

/** RFC 7285 §10.7 CostType. */
export interface CostType {
  'cost-mode': string
  'cost-metric': string
  /** RFC 9439 §3.1; absent means the client assumes `estimation`. */
  'cost-context'?: CostContext
  description?: string
}

/** The IRD name of a cost type: `num-routingcost`, `ord-hopcount`, … */
export function costTypeName(t: CostType): string {
  const mode =
    t['cost-mode'] === 'numerical' ? 'num' : t['cost-mode'] === 'ordinal' ? 'ord' : t['cost-mode']
  return `${mode}-${t['cost-metric']}`
}

/** `{"cost-mode":…,"cost-metric":…[,"cost-context":…][,"description":…]}`. */
export function costTypeJson(t: CostType): string {
  const s = JSON.stringify
  const context = t['cost-context'] !== undefined ? `,"cost-context":${s(t['cost-context'])}` : ''
  const description = t.description !== undefined ? `,"description":${s(t.description)}` : ''
  return `{"cost-mode":${s(t['cost-mode'])},"cost-metric":${s(t['cost-metric'])}${context}${description}}`
}
