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

const BW = 'max-reservable-bandwidth'
const PEI = 'persistent-entity-id'

/**
 * A small path table for `nm` (the rfc8189 example network map's PIDs) in two versions: v2 lowers
 * L1's bandwidth and reroutes PID1 → PID3 over NET2 — a topology change both parts of a PV
 * answer see. `persistent`: NET1 is the persistent ANE `ane-props.ane:MEC1`.
 */
export function pvTopology(nm: string, v2: boolean, persistent = true) {
  return {
    'network-map': nm,
    anes: {
      L1: { [BW]: v2 ? 40000000 : 100000000 },
      L2: { [BW]: 50000000 },
      NET1: persistent ? { [PEI]: 'ane-props.ane:MEC1' } : {},
      NET2: {},
    },
    paths: {
      PID1: { PID1: [], PID2: ['NET1', 'L1'], PID3: v2 ? ['NET1', 'L1', 'NET2'] : ['NET1', 'L2'] },
      PID2: { PID1: ['L1', 'NET1'] },
    },
  }
}

/** `files` (a map set) with {@link pvTopology} added as `example/test-pv-topology.json`. */
export function withPvTopology(
  files: Record<string, string>,
  topology: ReturnType<typeof pvTopology>
): Record<string, string> {
  const config = JSON.parse(files['alto-edge.json']) as { 'path-vectors': { file: string }[] }
  config['path-vectors'].push({ file: 'example/test-pv-topology.json' })
  return {
    ...files,
    'alto-edge.json': JSON.stringify(config),
    'example/test-pv-topology.json': JSON.stringify(topology),
  }
}
