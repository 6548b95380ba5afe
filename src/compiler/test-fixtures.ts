/**
 * @module Small map sets for the compiler and publisher tests (not a test file itself).
 */
import type { SourceFiles } from './load/index.ts'

export const json = (v: unknown): string => JSON.stringify(v, null, 2)

/** A small valid native map set: network map `net` (PIDs A, B, D), one cost map, one property. */
export function baseFiles(): SourceFiles {
  return {
    'alto-edge.json': json({
      'default-network-map': 'net',
      'network-maps': [{ file: 'net.json' }],
      'cost-maps': [{ file: 'cost.json' }],
      'endpoint-properties': [{ file: 'prop.json' }],
    }),
    'net.json': json({
      'resource-id': 'net',
      pids: {
        A: { ipv4: ['10.0.0.0/8'] },
        B: { ipv4: ['10.1.0.0/16'], ipv6: ['2001:db8::/32'] },
        D: { ipv4: ['0.0.0.0/0'], ipv6: ['::/0'] },
      },
    }),
    'cost.json': json({
      'network-map': 'net',
      'cost-type': { 'cost-mode': 'numerical', 'cost-metric': 'routingcost' },
      costs: { A: { A: 1, B: 2, D: 3 }, B: { A: 2, B: 1 } },
    }),
    'prop.json': json({ property: 'priv:region', values: { '10.0.0.0/8': 'eu' } }),
  }
}

/** Returns a copy of `files` with one JSON file changed by `edit`. */
export function editJson(files: SourceFiles, file: string, edit: (data: any) => void): SourceFiles {
  const data = JSON.parse(files[file])
  edit(data)
  return { ...files, [file]: json(data) }
}
