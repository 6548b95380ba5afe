/**
 * The naive baseline ALTO Worker for bench/e2e.ts: it keeps the RFC 7285 JSON maps in KV
 * (`networkmap/<id>`, `costmap/<network-map>/<cost-type-name>`: the full response bodies) and
 * JSON.parses them on every request; endpoint lookups scan every prefix of the map (linear
 * longest-prefix match). IPv4 endpoints only; enough of RFC 7285 for the benchmark requests, no
 * validation beyond that. Bundled with esbuild by the benchmark; never deployed.
 */

interface NaiveEnv {
  NAIVE_KV: KVNamespace
}

type NetworkMapBody = {
  meta: { vtag: { 'resource-id': string; tag: string } }
  'network-map': Record<string, { ipv4?: string[]; ipv6?: string[] }>
}
type CostMapBody = {
  meta: { 'dependent-vtags': { 'resource-id': string; tag: string }[]; 'cost-type': unknown }
  'cost-map': Record<string, Record<string, number>>
}

const json = (body: unknown, type: string, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    headers: { 'content-type': `application/alto-${type}+json`, ...headers },
  })

function parseIPv4(text: string): number {
  const [a, b, c, d] = text.split('.').map(Number)
  return ((a << 24) | (b << 16) | (c << 8) | d) >>> 0
}

/** Every IPv4 prefix of the map, parsed once per request. */
interface PrefixList {
  pids: string[]
  addr: Uint32Array
  len: Uint8Array
  pid: Int32Array
}

function prefixList(map: NetworkMapBody): PrefixList {
  const pids = Object.keys(map['network-map'])
  const addr: number[] = []
  const len: number[] = []
  const pid: number[] = []
  pids.forEach((name, i) => {
    for (const prefix of map['network-map'][name].ipv4 ?? []) {
      const [a, l] = prefix.split('/')
      addr.push(parseIPv4(a))
      len.push(Number(l))
      pid.push(i)
    }
  })
  return {
    pids,
    addr: Uint32Array.from(addr),
    len: Uint8Array.from(len),
    pid: Int32Array.from(pid),
  }
}

/** Linear longest-prefix match: checks every prefix. */
function naivePidOf(list: PrefixList, ip: number): string | null {
  let best = -1
  let bestLen = -1
  for (let i = 0; i < list.addr.length; i++) {
    const len = list.len[i]
    const mask = len === 0 ? 0 : (~0 << (32 - len)) >>> 0
    if (len > bestLen && (ip & mask) >>> 0 === list.addr[i]) {
      best = list.pid[i]
      bestLen = len
    }
  }
  return best < 0 ? null : list.pids[best]
}

async function loadJson<T>(env: NaiveEnv, key: string): Promise<T | null> {
  const text = await env.NAIVE_KV.get(key, 'text')
  return text === null ? null : (JSON.parse(text) as T)
}

const notFound = () => new Response('not found', { status: 404 })

export default {
  async fetch(request: Request, env: NaiveEnv): Promise<Response> {
    const path = new URL(request.url).pathname.split('/').filter(Boolean)
    const [kind, id] = path
    if (request.method === 'GET' && kind === 'networkmap' && path.length === 2) {
      const map = await loadJson<NetworkMapBody>(env, `networkmap/${id}`)
      if (!map) return notFound()
      const etag = `"${map.meta.vtag.tag}"`
      if (request.headers.get('if-none-match') === etag)
        return new Response(null, { status: 304, headers: { etag } })
      return json(map, 'networkmap', { etag })
    }
    if (request.method === 'GET' && kind === 'costmap' && path.length === 2) {
      // id = <network-map>-<cost-type-name>, e.g. asn-network-map-num-routingcost
      const m = /^(.*)-((?:num|ord)-[^-]+)$/.exec(id)
      const cm = m ? await loadJson<CostMapBody>(env, `costmap/${m[1]}/${m[2]}`) : null
      if (!cm) return notFound()
      return json(cm, 'costmap', { etag: `"${cm.meta['dependent-vtags'][0].tag}"` })
    }
    if (request.method === 'POST' && kind === 'costmap' && path[2] === 'filtered') {
      const req = (await request.json()) as {
        'cost-type': { 'cost-mode': string; 'cost-metric': string }
        pids: { srcs: string[]; dsts: string[] }
      }
      const ct = req['cost-type']
      const cm = await loadJson<CostMapBody>(
        env,
        `costmap/${id}/${ct['cost-mode'] === 'numerical' ? 'num' : 'ord'}-${ct['cost-metric']}`
      )
      if (!cm) return notFound()
      const out: Record<string, Record<string, number>> = {}
      for (const s of req.pids.srcs) {
        for (const d of req.pids.dsts) {
          const c = cm['cost-map'][s]?.[d]
          if (c !== undefined) (out[s] ??= {})[d] = c
        }
      }
      return json({ meta: { ...cm.meta, 'cost-type': ct }, 'cost-map': out }, 'costmap')
    }
    if (request.method === 'POST' && kind === 'endpointcost') {
      const req = (await request.json()) as {
        'cost-type': { 'cost-mode': string; 'cost-metric': string }
        endpoints: { srcs: string[]; dsts: string[] }
      }
      const ct = req['cost-type']
      const map = await loadJson<NetworkMapBody>(env, `networkmap/${id}`)
      const cm = await loadJson<CostMapBody>(
        env,
        `costmap/${id}/${ct['cost-mode'] === 'numerical' ? 'num' : 'ord'}-${ct['cost-metric']}`
      )
      if (!map || !cm) return notFound()
      const list = prefixList(map)
      const out: Record<string, Record<string, number>> = {}
      for (const s of req.endpoints.srcs) {
        const sp = naivePidOf(list, parseIPv4(s.replace(/^ipv4:/, '')))
        for (const d of req.endpoints.dsts) {
          const dp = naivePidOf(list, parseIPv4(d.replace(/^ipv4:/, '')))
          const c = sp && dp ? cm['cost-map'][sp]?.[dp] : undefined
          if (c !== undefined) (out[s] ??= {})[d] = c
        }
      }
      return json({ meta: { 'cost-type': ct }, 'endpoint-cost-map': out }, 'endpointcost')
    }
    if (request.method === 'POST' && kind === 'endpointprop') {
      const req = (await request.json()) as { properties: string[]; endpoints: string[] }
      const out: Record<string, Record<string, string>> = {}
      for (const prop of req.properties) {
        const [nm, name] = prop.split('.')
        if (name !== 'pid') continue
        const map = await loadJson<NetworkMapBody>(env, `networkmap/${nm}`)
        if (!map) return notFound()
        const list = prefixList(map)
        for (const e of req.endpoints) {
          const pid = naivePidOf(list, parseIPv4(e.replace(/^ipv4:/, '')))
          if (pid !== null) (out[e] ??= {})[prop] = pid
        }
      }
      return json({ meta: {}, 'endpoint-properties': out }, 'endpointprop')
    }
    return notFound()
  },
}
