// @vitest-environment node
/**
 * RFC 8686 §3.4 discovery over a local RFC 8484 DoH server serving the zone that
 * `alto-edge dns-records` (src/cli/dns-records.ts) generates for documentation prefixes.
 * The server decodes queries and encodes answers with the `dns-packet` library, independent of
 * src/client/dns-wire.ts.
 */
import dnsPacket from 'dns-packet'
import { createServer, type Server } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dnsRecords } from '../cli/dns-records.ts'
import * as entry from 'alto-edge/client'
import {
  applyNaptrRegexp,
  DiscoveryError,
  DnsDiscovery,
  type DiscoveryFailure,
} from './discovery.ts'

const A = 'https://a.example/ird' // 192.0.2.0/24
const B = 'https://b.example/ird' // 192.0.2.7/32 inside it
const C = 'https://c.example/ird' // 2001:db8::/32
const D = 'https://d.example/ird' // 2001:db8:1::/48 inside it
const TTL = 300
const NEG_TTL = 60

/** name → NAPTR fields, parsed from the generated zone files. */
const zone = new Map<
  string,
  { order: number; pref: number; flags: string; svc: string; re: string }
>()
for (const [uri, prefixes] of [
  [A, ['192.0.2.0/24']],
  [B, ['192.0.2.7/32']],
  [C, ['2001:db8::/32']],
  [D, ['2001:db8:1::/48']],
] as const) {
  const { zone: text } = dnsRecords({ irdUri: uri, prefixes, ttl: TTL })
  for (const line of text.split('\n')) {
    const m =
      /^(\S+)\.\s+\d+\s+IN\s+NAPTR\s+(\d+)\s+(\d+)\s+"(.*?)"\s+"(.*?)"\s+"(.*?)"\s+""$/.exec(line)
    if (m) zone.set(m[1], { order: +m[2], pref: +m[3], flags: m[4], svc: m[5], re: m[6] })
  }
}
// Behaviours for the failure tests
zone.set('9.100.51.198.in-addr.arpa', {
  order: 1,
  pref: 1,
  flags: 'u',
  svc: 'ALTO:https',
  re: 'garbage',
})
const SERVFAIL = /\.113\.0\.203\.in-addr\.arpa$/
const SLOW = '200.100.51.198.in-addr.arpa'
const TRUNCATED = '10.100.51.198.in-addr.arpa'

/**
 * The DoH server's side, through the `dns-packet` library (RFC 1035 §4.1 messages, RFC 3403
 * §4.1 NAPTR RDATA): it decodes the client's query — so every query the client sends must be a
 * well-formed one — and encodes the answers, independent of src/client/dns-wire.ts.
 */
function answer(query: Uint8Array): { bytes: Uint8Array; qname: string } {
  const q = dnsPacket.decode(Buffer.from(query))
  expect(q.type).toBe('query')
  expect(q.flags! & dnsPacket.RECURSION_DESIRED).toBeTruthy()
  expect(q.questions).toHaveLength(1)
  const question = q.questions![0]
  expect([question.type, question.class]).toEqual(['NAPTR', 'IN'])
  const qname = question.name
  const rec = zone.get(qname)
  const rcode = SERVFAIL.test(qname) ? 'SERVFAIL' : rec ? 'NOERROR' : 'NXDOMAIN'
  const encoded = dnsPacket.encode({
    type: 'response',
    id: q.id,
    // dns-packet writes the RCODE from the low bits of `flags` (RFC 1035 §4.1.1).
    flags:
      dnsPacket.RECURSION_DESIRED |
      dnsPacket.RECURSION_AVAILABLE |
      { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3 }[rcode],
    questions: [question],
    answers: rec
      ? [
          {
            type: 'NAPTR',
            class: 'IN',
            name: qname,
            ttl: TTL,
            data: {
              order: rec.order,
              preference: rec.pref,
              flags: rec.flags,
              services: rec.svc,
              regexp: rec.re,
              replacement: '',
            },
          },
        ]
      : [],
    authorities:
      rcode === 'NXDOMAIN'
        ? [
            {
              type: 'SOA',
              class: 'IN',
              name: 'arpa',
              ttl: NEG_TTL,
              data: {
                mname: 'ns.example',
                rname: 'h.example',
                serial: 1,
                refresh: 1,
                retry: 1,
                expire: 1,
                minimum: NEG_TTL,
              },
            },
          ]
        : [],
  } as dnsPacket.Packet)
  const bytes = new Uint8Array(encoded)
  return { bytes: qname === TRUNCATED ? bytes.subarray(0, bytes.length - 3) : bytes, qname }
}

let server: Server
let resolver = ''
const seen: { method: string; qname: string }[] = []

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const url = new URL(req.url!, 'http://x')
    const query =
      req.method === 'POST'
        ? new Uint8Array(Buffer.concat(chunks))
        : new Uint8Array(Buffer.from(url.searchParams.get('dns')!, 'base64url'))
    const { bytes, qname } = answer(query)
    seen.push({ method: req.method!, qname })
    const send = () => {
      res.writeHead(200, { 'content-type': 'application/dns-message' })
      res.end(bytes)
    }
    if (qname === SLOW) setTimeout(send, 1500)
    else send()
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const addr = server.address() as { port: number }
  resolver = `http://127.0.0.1:${addr.port}/dns-query`
})
afterAll(() => {
  server.closeAllConnections()
  server.close()
})

const client = (extra: Partial<ConstructorParameters<typeof DnsDiscovery>[0]> = {}) =>
  new DnsDiscovery({ resolver, allowDocumentationPrefixes: true, ...extra })

async function failure(p: Promise<unknown>): Promise<DiscoveryFailure> {
  try {
    await p
  } catch (e) {
    if (e instanceof DiscoveryError) return e.failure
    throw e
  }
  throw new Error('expected a DiscoveryError')
}

describe('RFC 8686 §3.4 lookup order over RFC 8484 DoH', () => {
  it.each([
    ['192.0.2.7', B, '7.2.0.192.in-addr.arpa', 1],
    ['192.0.2.8', A, '2.0.192.in-addr.arpa', 2],
    ['192.0.2.0/24', A, '2.0.192.in-addr.arpa', 1],
    ['192.0.2.0/28', A, '2.0.192.in-addr.arpa', 1],
    ['2001:db8:1::5', D, '1.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa', 4],
    ['2001:db8:2::1', C, '8.b.d.0.1.0.0.2.ip6.arpa', 6],
    ['2001:db8::/32', C, '8.b.d.0.1.0.0.2.ip6.arpa', 1],
  ])('%s → %s at %s in %i queries', async (input, uri, at, count) => {
    const c = client()
    expect(await c.discover(input)).toEqual({ uri, name: at })
    expect(c.queries).toBe(count)
  })

  it('POST (RFC 8484 §4.1) gives the same answer', async () => {
    seen.length = 0
    const c = client({ method: 'POST' })
    expect((await c.discover('192.0.2.8')).uri).toBe(A)
    expect(seen).toEqual([
      { method: 'POST', qname: '8.2.0.192.in-addr.arpa' },
      { method: 'POST', qname: '2.0.192.in-addr.arpa' },
    ])
  })

  it('NXDOMAIN at every cut → not-found, after exactly the four IPv4 cuts', async () => {
    const c = client()
    const f = await failure(c.discover('198.51.100.1'))
    expect(f).toMatchObject({ kind: 'not-found' })
    expect(f.kind === 'not-found' && f.names).toEqual([
      '1.100.51.198.in-addr.arpa',
      '100.51.198.in-addr.arpa',
      '51.198.in-addr.arpa',
      '198.in-addr.arpa',
    ])
    expect(c.queries).toBe(4)
  })

  it('SERVFAIL is reported, not skipped', async () => {
    expect(await failure(client().discover('203.0.113.5'))).toEqual({
      kind: 'servfail',
      name: '5.113.0.203.in-addr.arpa',
      rcode: 2,
    })
  })

  it('a slow resolver times out (AbortSignal.timeout)', async () => {
    expect(await failure(client({ timeoutMs: 200 }).discover('198.51.100.200'))).toEqual({
      kind: 'timeout',
      name: SLOW,
      ms: 200,
    })
  })

  it('a NAPTR with a bad regexp and a truncated message are malformed', async () => {
    expect(await failure(client().discover('198.51.100.9'))).toMatchObject({
      kind: 'malformed',
      name: '9.100.51.198.in-addr.arpa',
    })
    expect(await failure(client().discover('198.51.100.10'))).toMatchObject({
      kind: 'malformed',
      name: TRUNCATED,
    })
  })
})

describe('TTL cache (RFC 1035 TTL, RFC 2308 negative TTL)', () => {
  it('a second lookup makes no query; after the TTLs it queries again', async () => {
    let t = 1_000_000
    const c = client({ now: () => t })
    await c.discover('192.0.2.8')
    expect(c.queries).toBe(2)
    expect((await c.discover('192.0.2.8')).uri).toBe(A)
    expect(c.queries).toBe(2)
    t += (NEG_TTL + 1) * 1000 // the R32 NXDOMAIN expired, the R24 record not
    await c.discover('192.0.2.8')
    expect(c.queries).toBe(3)
    t += TTL * 1000
    await c.discover('192.0.2.8')
    expect(c.queries).toBe(5)
  })
})

describe('RFC 6890 special-purpose ranges are refused without a query', () => {
  it.each([
    '10.1.2.3',
    '172.16.5.4',
    '192.168.1.1',
    '127.0.0.1',
    '169.254.1.1',
    '100.64.0.1',
    '::1',
    'fe80::1',
    'fd00::1',
    '10.0.0.0/8',
  ])('%s', async (input) => {
    const c = client()
    expect(await failure(c.discover(input))).toMatchObject({ kind: 'refused-range' })
    expect(c.queries).toBe(0)
  })

  it('documentation prefixes only with allowDocumentationPrefixes', async () => {
    const c = client({ allowDocumentationPrefixes: false })
    expect(await failure(c.discover('192.0.2.7'))).toEqual({
      kind: 'refused-range',
      input: '192.0.2.7',
      range: '192.0.2.0/24',
    })
    expect(await failure(c.discover('2001:db8::1'))).toMatchObject({ range: '2001:db8::/32' })
    expect(c.queries).toBe(0)
  })

  it('shorter than the shortest cut (RFC 8686 §3.2) and non-addresses', async () => {
    expect(await failure(client().discover('8.0.0.0/7'))).toMatchObject({ kind: 'refused-range' })
    expect(await failure(client().discover('nope'))).toMatchObject({ kind: 'invalid-address' })
  })
})

describe('RFC 3402 §3.2 substitution expressions', () => {
  it('applies delimiter, escaped delimiter, backreferences and refuses malformed rules', () => {
    expect(applyNaptrRegexp('!.*!https://x/ird!', 'a.b')).toBe('https://x/ird')
    expect(applyNaptrRegexp('#^(.*)\\.arpa$#https://x/\\1#', 'a.arpa')).toBe('https://x/a')
    expect(applyNaptrRegexp('!a\\!b!c!', 'a!b')).toBe('c')
    expect(applyNaptrRegexp('garbage', 'a')).toBeNull()
    expect(applyNaptrRegexp('!x!y!', 'a')).toBeNull()
  })
})

describe("package export 'alto-edge/client'", () => {
  it('exports the discovery client', () => {
    expect(entry.DnsDiscovery).toBe(DnsDiscovery)
    expect(entry.DiscoveryError).toBe(DiscoveryError)
  })
})
