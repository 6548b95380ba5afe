/**
 * Checks of RFC 9275 §11 ephemeral ANE names shared by the path-vector tests: an answer's names
 * are matched, position by position, against the source's paths, and must form one consistent
 * renaming (a bijection) that never shows a source name.
 */
import { expect } from 'vitest'

/** §11 ephemeral names as alto-edge writes them: `ANE<k>`, k the rank of first appearance. */
export const EPHEMERAL = /^ANE[1-9][0-9]*$/

/**
 * The renaming ephemeral name → source name that turns each answer path `got[k]` into the
 * source path `want[k]` (same pairs, same order); fails unless it is a bijection and every
 * ephemeral name is `ANE<k>`, numbered by first appearance over `got` in order.
 */
export function ephemeralRenaming(
  got: readonly (readonly string[])[],
  want: readonly (readonly string[])[]
): Map<string, string> {
  expect(got.length).toBe(want.length)
  const toSource = new Map<string, string>()
  const toEphemeral = new Map<string, string>()
  const order: string[] = []
  got.forEach((path, k) => {
    expect(path.length, `path ${k}`).toBe(want[k].length)
    path.forEach((name, j) => {
      const source = want[k][j]
      if (!toSource.has(name)) {
        order.push(name)
        toSource.set(name, source)
      }
      expect(toSource.get(name), `${name} stands for one ANE`).toBe(source)
      expect(toEphemeral.get(source) ?? name, `${source} has one name`).toBe(name)
      toEphemeral.set(source, name)
    })
  })
  expect(order).toEqual(order.map((_, k) => `ANE${k + 1}`))
  return toSource
}
