// Node ≥ 22: node docs/examples/node.ts [server-url]
import { AltoClient, AltoClientError, rank } from 'alto-edge/client'

const server = process.argv[2] ?? 'http://127.0.0.1:8787'
const NM = 'rfc-example-network-map'
try {
  const alto = await AltoClient.discover(server)
  const pids = await alto.pidsOf(['ipv4:192.0.2.34', 'ipv4:198.51.100.200'], NM)
  console.log('PIDs:', Object.fromEntries(pids))
  const ordinal = { 'cost-mode': 'ordinal', 'cost-metric': 'routingcost' }
  const { ranked } = await rank(
    alto,
    'ipv4:192.0.2.2',
    ['ipv4:203.0.113.9', 'ipv4:192.0.2.77'],
    [ordinal],
    {
      networkMap: NM,
      resourceId: `${NM}-endpoint-cost`,
    }
  )
  console.log('best candidate:', ranked[0].candidate)
} catch (e) {
  if (!(e instanceof AltoClientError)) throw e
  console.error(e.failure) // { kind: 'unreachable' | 'http' | 'alto' | …, … }
  process.exitCode = 1
}
