import { describe, expect, it } from 'vitest'
import { validateMapSet } from './index.ts'
import { addJsonLines, jsonPathLines } from './json-lines.ts'
import type { SourceError } from './source-error.ts'

const TEXT = `{
  "resource-id": "m",
  "pids": {
    "PID1": { "ipv4": [
      "192.0.2.0/24",
      "198.51.100.0/25"
    ] },
    "odd.\\"key[0]": {
      "ipv6": ["::/0"]
    }
  },
  "n": -1.5e3, "t": true, "z": null
}`

describe('jsonPathLines', () => {
  it('maps every value to the line where it (or its key) starts', () => {
    const lines = jsonPathLines(TEXT)
    expect(lines.get('')).toBe(1)
    expect(lines.get('resource-id')).toBe(2)
    expect(lines.get('pids')).toBe(3)
    expect(lines.get('pids.PID1')).toBe(4)
    expect(lines.get('pids.PID1.ipv4')).toBe(4)
    expect(lines.get('pids.PID1.ipv4[0]')).toBe(5)
    expect(lines.get('pids.PID1.ipv4[1]')).toBe(6)
    expect(lines.get('pids["odd.\\"key[0]"]')).toBe(8)
    expect(lines.get('pids["odd.\\"key[0]"].ipv6[0]')).toBe(9)
    expect(lines.get('n')).toBe(12)
    expect(lines.get('z')).toBe(12)
    expect(lines.size).toBe(13)
  })

  it('fills in the line of an error, or of its closest existing ancestor', () => {
    const errors: SourceError[] = [
      { file: 'a.json', path: 'pids.PID1.ipv4[1]', message: 'x' },
      {
        file: 'a.json',
        path: 'pids.PID1.ipv6',
        message: 'missing member: falls back to pids.PID1',
      },
      { file: 'a.json', path: 'pids["odd.\\"key[0]"].ipv6[3]', message: 'absent index' },
      { file: 'b.csv', path: 'prefix', line: 7, message: 'csv keeps its line' },
      { file: 'a.json', path: 'n', line: 99, message: 'an existing line is kept' },
    ]
    addJsonLines(errors, { 'a.json': TEXT, 'b.csv': '' })
    expect(errors.map((e) => e.line)).toEqual([6, 4, 9, 7, 99])
  })
})

describe('source errors carry JSON line numbers end to end', () => {
  it('names the line of a bad prefix and of an unknown key', () => {
    const files = {
      'alto-edge.json': JSON.stringify({
        'default-network-map': 'm',
        'network-maps': [{ file: 'm.json' }],
      }),
      'm.json':
        '{\n  "resource-id": "m",\n  "pids": {\n    "P": { "ipv4": ["0.0.0.0/0",\n      "10.0.0.1/8"] }\n  },\n  "bogus": 1\n}\n',
    }
    const { errors } = validateMapSet(files)
    const byPath = Object.fromEntries(errors.map((e) => [e.path, e.line]))
    expect(byPath['pids.P.ipv4[1]']).toBe(5)
    expect(byPath['bogus']).toBe(7)
  })
})
