/**
 * @module Optional per-phase timing of a request (bench/handler.ts): handlers call
 * {@link phaseDone} at the end of each phase — `read+parse` (body read, JSON parse),
 * `validate` (schema, typed addresses, cost type), `lookup` (tables, longest-prefix match,
 * costs), `serialise` (the response text). Without a hook (every deployed Worker) a mark is one
 * null check.
 */

export type Phase = 'read+parse' | 'validate' | 'lookup' | 'serialise'

let hook: ((phase: Phase) => void) | null = null

/** Bench only: the function called at the end of each phase (null to stop). */
export function setPhaseHook(next: ((phase: Phase) => void) | null): void {
  hook = next
}

/** Marks the end of `phase` for the timing hook, if one is set. */
export function phaseDone(phase: Phase): void {
  if (hook !== null) hook(phase)
}
