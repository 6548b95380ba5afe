import { describe, expect, it } from 'vitest'
import { TableFormatError, TableKind, encodeContainer } from './container.ts'
import {
  NO_PARENT,
  NO_VALUE,
  PidValues,
  PrefixTree,
  encodePidValues,
  encodePrefixTree,
  nodeIndex,
  nodeLpmValues,
} from './propmap.ts'
import { MAX_VALUES } from './values.ts'

const ip = (s: string) => s.split('.').reduce((a, o) => a * 256 + Number(o), 0)

describe('PREFIX_TREE (kind 6)', () => {
  // RFC 9240 §6.1.3 Table 1, given out of order
  const blob = encodePrefixTree(4, 1, [
    { words: [ip('192.0.2.0')], len: 30, values: [2] },
    { words: [ip('192.0.2.0')], len: 26, values: [0] },
    { words: [ip('192.0.2.0')], len: 32, values: [3] },
    { words: [ip('192.0.2.0')], len: 28, values: [1] },
    { words: [ip('192.0.2.64')], len: 26, values: [NO_VALUE] },
  ]).blob
  const tree = PrefixTree.open(blob)

  it('sorts by (address, length) and links each prefix to its longest container', () => {
    expect(Array.from(tree.len)).toEqual([26, 28, 30, 32, 26])
    expect(Array.from(tree.parent)).toEqual([NO_PARENT, 0, 1, 2, NO_PARENT])
  })

  it('covering walks up to the longest prefix containing a whole prefix; inherited takes the first value', () => {
    expect(tree.covering(3, 31)).toBe(2) // /31 inside /30
    expect(tree.covering(3, 25)).toBe(-1)
    expect(tree.inherited(tree.covering(3, 29), 0)).toBe(1) // v2
    expect(tree.inherited(4, 0)).toBe(NO_VALUE)
  })

  it('inside: the entries strictly inside a prefix are one run', () => {
    expect(tree.inside([ip('192.0.2.0')], 27, [ip('192.0.2.31')])).toEqual([1, 4])
    expect(tree.inside([ip('192.0.2.0')], 24, [ip('192.0.2.255')])).toEqual([0, 5])
    expect(tree.inside([ip('192.0.2.128')], 25, [ip('192.0.2.255')])).toEqual([5, 5])
  })

  it('refuses a truncated blob, a wrong kind and a parent that points forward', () => {
    expect(() => PrefixTree.open(blob.subarray(0, blob.length - 4))).toThrow(TableFormatError)
    expect(() => PidValues.open(blob)).toThrow(/wrong table kind/)
    const payload = blob.slice(16)
    new DataView(payload.buffer).setUint32(32, 3, true) // parent[0] = 3 (words end at 28, padded to 32)
    expect(() => PrefixTree.open(encodeContainer(TableKind.PREFIX_TREE, payload))).toThrow(
      /bad parent/
    )
  })

  it('LPM values carry an entry index in two halves below MAX_VALUES', () => {
    for (const i of [0, 1, MAX_VALUES - 1, MAX_VALUES, 600_000]) {
      const { lo, hi } = nodeLpmValues(i)
      expect(lo).toBeLessThan(MAX_VALUES)
      expect(nodeIndex(lo, hi)).toBe(i)
    }
  })
})

describe('PID_VALUES (kind 7)', () => {
  it('round-trips a PID × property matrix', () => {
    const t = PidValues.open(encodePidValues(2, 3, Uint32Array.of(1, NO_VALUE, 2, 0, 0, NO_VALUE)))
    expect([t.value(0, 2), t.value(1, 2), t.value(0, 1)]).toEqual([2, NO_VALUE, NO_VALUE])
  })
})
