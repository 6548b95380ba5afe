// A Worker that ranks mirrors for each visitor, asking alto-edge through a service binding.
import { AltoClient, rank } from 'alto-edge/client'

interface Env {
  /** [[services]] binding = "ALTO", service = "alto-edge" (or use a URL and the global fetch). */
  ALTO: { fetch: (input: RequestInfo | URL, init?: RequestInit) => Promise<Response> }
}

const MIRRORS = ['ipv4:192.0.2.77', 'ipv4:198.51.100.130', 'ipv4:203.0.113.9']
const NM = 'rfc-example-network-map'

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const alto = await AltoClient.discover('https://alto-edge.internal', {
      fetch: (input, init) => env.ALTO.fetch(input, init),
    })
    const visitor = `ipv4:${request.headers.get('CF-Connecting-IP') ?? '192.0.2.2'}`
    const ordinal = { 'cost-mode': 'ordinal', 'cost-metric': 'routingcost' }
    const { ranked } = await rank(alto, visitor, MIRRORS, [ordinal], {
      networkMap: NM,
      resourceId: `${NM}-endpoint-cost`,
    })
    return Response.json({ visitor, mirrors: ranked.map((r) => r.candidate) })
  },
}
