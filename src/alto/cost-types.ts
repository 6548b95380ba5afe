/**
 * @module Cost types (RFC 7285 §10.7): a cost mode and a cost metric, with an optional
 * description, and the IRD's names for them (`meta.cost-types`).
 */

/** RFC 7285 §10.7 CostType. */
export interface CostType {
  'cost-mode': string
  'cost-metric': string
  description?: string
}

/** The IRD name of a cost type: `num-routingcost`, `ord-hopcount`, … */
export function costTypeName(t: CostType): string {
  const mode =
    t['cost-mode'] === 'numerical' ? 'num' : t['cost-mode'] === 'ordinal' ? 'ord' : t['cost-mode']
  return `${mode}-${t['cost-metric']}`
}

/** `{"cost-mode":…,"cost-metric":…[,"description":…]}` in the RFC's field order. */
export function costTypeJson(t: CostType): string {
  const s = JSON.stringify
  const description = t.description !== undefined ? `,"description":${s(t.description)}` : ''
  return `{"cost-mode":${s(t['cost-mode'])},"cost-metric":${s(t['cost-metric'])}${description}}`
}
