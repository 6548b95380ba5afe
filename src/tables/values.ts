/**
 * @module Value space of the LPM tables (docs/binary-format.md, "Values in LPM tables").
 *
 * ```
 * 0x0000 .. 0x7FFE   value index (a PID index, or an index into a property's value string table)
 * 0x7FFF             NO_MATCH: no prefix covers the address
 * 0x8000 | r         (LPM_V6 top level only) REFINED: look up w2:w3 in refined block r
 * ```
 */

/** Value returned by an LPM lookup when no prefix covers the address. */
export const NO_MATCH = 0x7fff

/**
 * Number of distinct values (PIDs) an LPM table can hold: value indices are 0 .. MAX_VALUES - 1,
 * so a network map has at most 32,767 PIDs.
 */
export const MAX_VALUES = 0x7fff

/** Flag bit of an LPM_V6 top-level value whose low 15 bits name a refined /64 block. */
export const REFINED = 0x8000

/** Largest number of refined /64 blocks an LPM_V6 table can hold (block indices 0 .. 0x7FFE). */
export const MAX_REFINED_BLOCKS = 0x7fff

/** Throws a RangeError unless `value` is a valid value index (an integer in 0 .. MAX_VALUES - 1). */
export function assertValueIndex(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 0 || value >= MAX_VALUES) {
    throw new RangeError(`${what}: value ${value} is not an integer in 0..${MAX_VALUES - 1}`)
  }
}
