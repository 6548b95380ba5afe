/**
 * @module `alto-edge query pid|cost|rank`: asks any ALTO server (RFC 7285) through the client
 * library (src/client) and prints the answer, as text or one `--json` document.
 *
 *   pid ADDR…               the PID of each address (endpoint property `<network-map>.pid`, §7.1.1)
 *   cost SRC DST…           endpoint cost from SRC to each DST (§11.5.1)
 *   rank SRC CANDIDATE…     the candidates ranked by one or more cost types (src/client/rank.ts)
 *
 * Addresses are typed (`ipv4:192.0.2.1`, §10.4.1) or bare IPs, which get their type. Exit codes:
 * 0 answered, 4 the server could not be reached, 6 the server answered with an error (or offers
 * no such service), 2 a bad command line.
 */
import { InvalidArgumentError } from 'commander'
import { parseTypedAddress, typedAddressOfIp } from '../alto/typed-address.ts'
import { AltoClient, type CostTypeRef } from '../client/client.ts'
import { AltoClientError } from '../client/errors.ts'
import { rank } from '../client/rank.ts'
import type { Io } from './commands.ts'
import { EXIT_OK, EXIT_SERVER, EXIT_UNREACHABLE } from './exit-codes.ts'

export interface QueryOptions {
  server: string
  json?: boolean
  networkMap?: string
  /** Cost type names (`num-routingcost`); cost uses the first, rank all (primary first). */
  costType?: string[]
  /** The endpoint cost resource (RFC 7285 §11.5.1.5: it names no network map, so an id picks one). */
  resource?: string
}

/** commander argParser: a typed address, or a bare IPv4/IPv6 address made typed. */
export function endpointAddress(raw: string, previous: string[] = []): string[] {
  if (parseTypedAddress(raw)) return [...previous, raw]
  const typed = typedAddressOfIp(raw)
  if (!typed)
    throw new InvalidArgumentError(
      `${JSON.stringify(raw)} is not an address (ipv4:A.B.C.D, ipv6:X::Y, or a bare IP).`
    )
  return [...previous, typed.text]
}

/** commander argParser for `--cost-type a,b`: a comma-separated list of cost type names. */
export function costTypeList(raw: string): string[] {
  const names = raw.split(',').map((s) => s.trim())
  if (names.some((n) => n === '')) throw new InvalidArgumentError('It must be NAME[,NAME…].')
  return names
}

async function run(
  opts: QueryOptions,
  io: Io,
  ask: (client: AltoClient) => Promise<{ lines: string[]; json: unknown }>
): Promise<number> {
  try {
    const client = await AltoClient.discover(opts.server, { token: process.env.ALTO_CLIENT_TOKEN })
    const { lines, json } = await ask(client)
    if (opts.json) io.out(JSON.stringify({ ok: true, ...(json as object) }))
    else lines.forEach((l) => io.out(l))
    return EXIT_OK
  } catch (e) {
    if (!(e instanceof AltoClientError)) throw e
    io.err(`error: ${e.message}`)
    if (opts.json) io.out(JSON.stringify({ ok: false, error: e.message, failure: e.failure }))
    return e.failure.kind === 'unreachable' ? EXIT_UNREACHABLE : EXIT_SERVER
  }
}

/** The cost types to use: the named ones, else the first the endpoint cost service offers. */
function criteria(client: AltoClient, opts: QueryOptions): CostTypeRef[] {
  if (opts.costType?.length) return opts.costType
  const service = client.resourcesOf(
    'application/alto-endpointcost+json',
    'application/alto-endpointcostparams+json'
  )[0]
  const first = (service?.capabilities['cost-type-names'] as string[] | undefined)?.[0]
  if (!first || !service) return ['num-routingcost']
  return [first]
}

const show = (v: number | string | undefined) => (v === undefined ? '-' : String(v))

export function cmdQueryPid(addresses: string[], opts: QueryOptions, io: Io): Promise<number> {
  return run(opts, io, async (client) => {
    const networkMap = opts.networkMap ?? client.defaultNetworkMap()
    const pids = await client.pidsOf(addresses, networkMap)
    return {
      lines: addresses.map((a) => `${a}\t${show(pids.get(a))}`),
      json: {
        networkMap,
        pids: Object.fromEntries(addresses.map((a) => [a, pids.get(a) ?? null])),
      },
    }
  })
}

export function cmdQueryCost(
  source: string,
  destinations: string[],
  opts: QueryOptions,
  io: Io
): Promise<number> {
  return run(opts, io, async (client) => {
    const [costType] = criteria(client, opts)
    const resource = client.endpointCostResource(costType, { resourceId: opts.resource })
    const { name, type } = client.costTypeOf(resource, costType)!
    const body = await client.endpointCost(
      {
        'cost-type': { 'cost-mode': type['cost-mode'], 'cost-metric': type['cost-metric'] },
        endpoints: { srcs: [source], dsts: destinations },
      },
      { resourceId: resource.id }
    )
    const row = body['endpoint-cost-map'][source] ?? {}
    return {
      lines: destinations.map((d) => `${source} → ${d}\t${show(row[d])}`),
      json: {
        costType: name,
        source,
        costs: Object.fromEntries(destinations.map((d) => [d, row[d] ?? null])),
      },
    }
  })
}

export function cmdQueryRank(
  source: string,
  candidates: string[],
  opts: QueryOptions,
  io: Io
): Promise<number> {
  return run(opts, io, async (client) => {
    const result = await rank(client, source, candidates, criteria(client, opts), {
      networkMap: opts.networkMap,
      resourceId: opts.resource,
    })
    return {
      lines: [
        `rank\tcandidate\tpid\t${result.criteria.join('\t')}`,
        ...result.ranked.map(
          (r) => `${r.rank}\t${r.candidate}\t${show(r.pid)}\t${r.costs.map(show).join('\t')}`
        ),
      ],
      json: {
        source,
        criteria: result.criteria,
        ranked: result.ranked.map((r) => ({
          candidate: r.candidate,
          rank: r.rank,
          pid: r.pid ?? null,
          costs: r.costs.map((c) => c ?? null),
        })),
      },
    }
  })
}
