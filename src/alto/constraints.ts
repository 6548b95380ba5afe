/**
 * @module Cost constraints of filtered cost map and endpoint cost requests.
 *
 * RFC 7285 §11.3.2.3: "constraints: Defines a list of additional constraints on which elements
 * of the Cost Map are returned. ... Each string in this list MUST be of the form
 * `[operator] [value]` ... separated by whitespace. ... gt, lt, ge, le, eq ... The value is a
 * JSONNumber ... If multiple 'constraint' parameters are specified, they are interpreted as being
 * related to each other with a logical AND. ... the ALTO server SHOULD use at least IEEE 754
 * double-precision floating point to store this value."
 *
 * A value is parsed with JavaScript's `Number` (a correctly rounded IEEE 754 double), and costs
 * decode to the exact double the source had (docs/binary-format.md), so `eq 0.1` matches a stored
 * `0.1`. The number syntax is JSON's (RFC 8259 §6); anything else is an invalid value.
 */
import type { AltoError } from './errors.ts'

export type ConstraintOperator = 'gt' | 'lt' | 'ge' | 'le' | 'eq'

export interface Constraint {
  operator: ConstraintOperator
  value: number
}

const CONSTRAINT = /^\s*(gt|lt|ge|le|eq)\s+(\S+)\s*$/
/** RFC 8259 §6 number syntax (a cost or constraint value written as text). */
export const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/

/** Parses one constraint string, or returns null when it is not `<op> <JSON number>`. */
export function parseConstraint(text: string): Constraint | null {
  const match = CONSTRAINT.exec(text)
  if (!match) return null
  const [, operator, valueText] = match
  if (!JSON_NUMBER.test(valueText)) return null
  const value = Number(valueText)
  if (!Number.isFinite(value)) return null
  return { operator: operator as ConstraintOperator, value }
}

/**
 * Parses every constraint; the first invalid one is reported as
 * `E_INVALID_FIELD_VALUE` with field `constraints` and the offending string as value (§8.5.2:
 * for an invalid array element the field is the array).
 */
export function parseConstraints(
  texts: readonly string[] | undefined
): { ok: true; constraints: Constraint[] } | { ok: false; error: AltoError } {
  const constraints: Constraint[] = []
  for (const text of texts ?? []) {
    const constraint = parseConstraint(text)
    if (!constraint) {
      return {
        ok: false,
        error: { code: 'E_INVALID_FIELD_VALUE', field: 'constraints', value: text },
      }
    }
    constraints.push(constraint)
  }
  return { ok: true, constraints }
}

/** Whether `cost` satisfies one constraint; NaN (an undefined cost) satisfies none. */
export function satisfies(cost: number, { operator, value }: Constraint): boolean {
  switch (operator) {
    case 'gt':
      return cost > value
    case 'lt':
      return cost < value
    case 'ge':
      return cost >= value
    case 'le':
      return cost <= value
    case 'eq':
      return cost === value
  }
}

/** A predicate that holds when `cost` satisfies every constraint (logical AND; none → true). */
export function constraintPredicate(constraints: readonly Constraint[]): (cost: number) => boolean {
  if (constraints.length === 0) return () => true
  return (cost) => constraints.every((c) => satisfies(cost, c))
}
