/**
 * @module The small map set the local publish tests use: the RFC 7285 example maps of
 * maps/example/ (network map, two cost maps, properties) with a config of their own, copied to
 * a directory the test may edit. Small, so each publish is quick.
 */
import { cpSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const ROOT = join(import.meta.dirname, '..', '..')

/**
 * Writes the example map set into `mapsDir` (its config at `mapsDir/alto-edge.json`). The publish
 * tests use both cost maps; the CLI tests one cost map plus an optional entry for the generated
 * ASN map, whose absence is a notice.
 */
export function writeExampleMapSet(
  mapsDir: string,
  opts: { optionalAsn?: boolean; ordinal?: boolean } = {}
): void {
  const { optionalAsn = false, ordinal = true } = opts
  cpSync(join(ROOT, 'maps', 'example'), join(mapsDir, 'example'), { recursive: true })
  writeFileSync(
    join(mapsDir, 'alto-edge.json'),
    JSON.stringify({
      'default-network-map': 'rfc-example-network-map',
      'network-maps': [
        { file: 'example/network-map.json' },
        ...(optionalAsn ? [{ file: 'asn/generated/network-map.json', optional: true }] : []),
      ],
      'cost-maps': [
        { file: 'example/cost-routingcost.json' },
        ...(ordinal ? [{ file: 'example/cost-ordinal-routingcost.json' }] : []),
      ],
      'endpoint-properties': [{ file: 'example/properties.json' }],
    })
  )
}
