/**
 * @module Identifier syntax of RFC 7285 §10 (checked on every name in a map set).
 */

/**
 * RFC 7285 §10.1 PIDName / §10.2 ResourceID: "a string of no more than 64 characters, and it
 * MUST NOT contain characters other than US-ASCII alphanumeric characters (U+0030-U+0039,
 * U+0041-U+005A, and U+0061-U+007A), the hyphen ('-', U+002D), the colon (':', U+003A), the at
 * sign ('@', code point U+0040), the low line ('_', U+005F), or the '.' separator (U+002E). The
 * '.' separator is reserved for future use and MUST NOT be used unless specifically indicated".
 */
export const PID_NAME = /^[0-9A-Za-z\-:@_]{1,64}$/
export const RESOURCE_ID = PID_NAME

/**
 * RFC 7285 §10.6 CostMetric: "no more than 32 characters ... alphanumeric ..., the hyphen, the
 * colon, the low line, or the '.' separator" ('.' reserved), and "the string 'priv:' ... MUST
 * be followed by ..." a non-empty suffix.
 */
export const COST_METRIC = /^[0-9A-Za-z\-:_]{1,32}$/

/**
 * RFC 7285 §10.8.2 global endpoint property: "no more than 32 characters ... alphanumeric ...,
 * the hyphen, the colon, or the low line"; `priv:` needs a suffix; other names "MUST be
 * registered with IANA" (the registry holds only `pid`, which is resource-specific).
 */
export const PROPERTY_NAME = /^[0-9A-Za-z\-:_]{1,32}$/

/** RFC 7285 §10.5: "The cost mode MUST be either 'numerical' or 'ordinal'". */
export const COST_MODES = ['numerical', 'ordinal'] as const
export type CostMode = (typeof COST_MODES)[number]

/** Why a PID name is invalid, or null when it is valid. */
export function pidNameProblem(name: string): string | null {
  if (PID_NAME.test(name)) return null
  if (name.length === 0) return 'PID name is empty'
  if (name.length > 64)
    return `PID name is ${name.length} characters; at most 64 allowed (RFC 7285 §10.1)`
  return 'PID name may only contain [0-9A-Za-z-:@_] (RFC 7285 §10.1; "." is reserved)'
}

/** Why a resource id is invalid, or null when it is valid. */
export function resourceIdProblem(id: string): string | null {
  if (RESOURCE_ID.test(id)) return null
  if (id.length === 0) return 'resource id is empty'
  if (id.length > 64)
    return `resource id is ${id.length} characters; at most 64 allowed (RFC 7285 §10.2)`
  return 'resource id may only contain [0-9A-Za-z-:@_] (RFC 7285 §10.2; "." is reserved)'
}

/** Why a cost metric is invalid, or null. */
export function costMetricProblem(metric: string): string | null {
  if (metric.length > 32)
    return `cost metric is ${metric.length} characters; at most 32 allowed (RFC 7285 §10.6)`
  if (!COST_METRIC.test(metric))
    return 'cost metric may only contain [0-9A-Za-z-:_] (RFC 7285 §10.6)'
  if (metric === 'priv:') return 'cost metric "priv:" needs a suffix (RFC 7285 §10.6)'
  return null
}

/** Why an operator endpoint property name is invalid, or null. */
export function propertyNameProblem(name: string): string | null {
  if (name.length > 32)
    return `property name is ${name.length} characters; at most 32 allowed (RFC 7285 §10.8.2)`
  if (!PROPERTY_NAME.test(name))
    return 'property name may only contain [0-9A-Za-z-:_] (RFC 7285 §10.8.2)'
  if (name === 'priv:') return 'property name "priv:" needs a suffix (RFC 7285 §10.8.2)'
  if (name === 'pid')
    return 'property "pid" is defined by every network map as "<network-map>.pid"; choose another name'
  if (!name.startsWith('priv:'))
    return 'property names other than "priv:..." must be registered with IANA (RFC 7285 §10.8.2); use a "priv:" name'
  return null
}

/** Sorts by UTF-16 code units (JavaScript's default order), the order of every PID table. */
export const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)
