import { describe, expect, it } from 'vitest'
import { dnsRecords, namesForPrefix, naptrRegexp } from './dns-records.ts'

const IRD = 'https://alto1.example.net/ird'

describe('RFC 8686 §3.4 reverse-tree NAPTR records', () => {
  it('RFC 8686 §3.4 example: 198.51.100.0/24 → 100.51.198.IN-ADDR.ARPA. with the U-NAPTR rule', () => {
    const r = dnsRecords({ irdUri: IRD, prefixes: ['198.51.100.0/24'] })
    // RFC 8686 §3.4: 100.51.198.IN-ADDR.ARPA. IN NAPTR 100 10 "u" "ALTO:https"
    //   "!.*!https://alto1.example.net/ird!" ""   (DNS names are case-insensitive)
    expect(r.zone).toContain(
      '100.51.198.in-addr.arpa. 3600 IN NAPTR 100 10 "u" "ALTO:https" "!.*!https://alto1.example.net/ird!" ""'
    )
    expect(r.recordCount).toBe(1)
    expect(r.unexpressible).toEqual([])
  })

  it('RFC 8686 §3.3 IPv6 cut R32: 2001:db8::/32 → 8.b.d.0.1.0.0.2.ip6.arpa.', () => {
    expect(namesForPrefix('2001:db8::/32')).toEqual({ names: ['8.b.d.0.1.0.0.2.ip6.arpa.'] })
    // R64 of 2001:db8::20 (RFC 8686 §3.3 example), from its /64
    expect(namesForPrefix('2001:db8::/64')).toEqual({
      names: ['0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.'],
    })
  })

  it('RFC 8686 §3.3: a length between cuts expands to the next longer cut, exactly', () => {
    const r = namesForPrefix('192.0.2.0/23')
    expect(r).toEqual({ names: ['2.0.192.in-addr.arpa.', '3.0.192.in-addr.arpa.'] })
    const v6 = namesForPrefix('2001:db8:a000::/36') as { names: string[] }
    expect(v6.names).toHaveLength(16)
    expect(v6.names[0]).toBe('0.a.8.b.d.0.1.0.0.2.ip6.arpa.')
    expect(v6.names[15]).toBe('f.a.8.b.d.0.1.0.0.2.ip6.arpa.')
    // /30 → four R32 names (host addresses)
    expect((namesForPrefix('192.0.2.4/30') as { names: string[] }).names).toEqual([
      '4.2.0.192.in-addr.arpa.',
      '5.2.0.192.in-addr.arpa.',
      '6.2.0.192.in-addr.arpa.',
      '7.2.0.192.in-addr.arpa.',
    ])
  })

  it('reports prefixes that cannot be expressed (IPv6 /65–/119: next cut is /128)', () => {
    const r = dnsRecords({
      irdUri: IRD,
      prefixes: ['2001:db8::/80', '10.0.0.0/8', 'nonsense', '0.0.0.0/0', '::/0'],
    })
    expect(r.unexpressible.map((u) => u.prefix)).toEqual([
      '2001:db8::/80',
      'nonsense',
      '0.0.0.0/0',
      '::/0',
    ])
    expect(r.unexpressible[0].reason).toMatch(/\/128/)
    expect(r.recordCount).toBe(1)
  })

  it('RFC 7286 §3.2: the U-NAPTR record for the operator domain', () => {
    const r = dnsRecords({ domain: 'example.net', irdUri: IRD, prefixes: [] })
    expect(r.zone).toContain(
      'example.net. 3600 IN NAPTR 100 10 "u" "ALTO:https" "!.*!https://alto1.example.net/ird!" ""'
    )
    expect(r.recordCount).toBe(1)
  })

  it('deduplicates names and rejects URIs that break the regexp delimiter', () => {
    const r = dnsRecords({ irdUri: IRD, prefixes: ['192.0.2.0/24', '192.0.2.0/25'] })
    // the /25 goes to R32 names (128), the /24 to one R24 name
    expect(r.recordCount).toBe(129)
    expect(() => naptrRegexp('https://x/!ird')).toThrow(/'!'/)
  })

  it('every record line is a well-formed master-file NAPTR line (RFC 1035 §5.1, RFC 3403 §4)', () => {
    const r = dnsRecords({
      domain: 'example.net',
      irdUri: IRD,
      prefixes: ['192.0.2.0/24', '198.51.100.0/22', '2001:db8::/32', '2001:db8:1::/48'],
    })
    const lines = r.zone.split('\n').filter((l) => l && !l.startsWith(';') && !l.startsWith('$'))
    expect(lines).toHaveLength(r.recordCount)
    const re =
      /^((?:[0-9a-z-]+\.)+) (\d+) IN NAPTR (\d+) (\d+) "([a-z]*)" "([^"]*)" "([^"]*)" (\S+)$/
    for (const l of lines) {
      const m = re.exec(l)
      expect(m, l).not.toBeNull()
      // applying the rule (RFC 3402 §4: substitution expression) to any string gives the URI
      const [, , , , , flag, service, regexp, replacement] = m!
      expect([flag, service, replacement]).toEqual(['u', 'ALTO:https', '""'])
      const [, pattern, sub] = regexp.split('!')
      expect('anything'.replace(new RegExp(pattern), sub)).toBe(IRD)
    }
  })
})

describe('alto-edge dns-records (the CLI over a map set)', () => {
  it('emits RFC 8686 records for the RFC example network map and reports /0 as unexpressible', async () => {
    const { runCli } = await import('../../test/unit/run-cli.ts')
    const r = await runCli([
      'dns-records',
      'maps',
      '--ird',
      IRD,
      '--domain',
      'example.net',
      '--map',
      'rfc-example-network-map',
      '--json',
    ])
    expect(r.code, r.stderr).toBe(0)
    const doc = JSON.parse(r.stdout) as {
      records: number
      unexpressible: { prefix: string }[]
      zone: string
    }
    // 192.0.2.0/24 → 1 R24; 198.51.100.0/25 and 198.51.100.128/25 → 256 R32; + the domain record
    expect(doc.records).toBe(258)
    expect(doc.unexpressible.map((u) => u.prefix)).toEqual(['0.0.0.0/0', '::/0'])
    expect(doc.zone).toContain('2.0.192.in-addr.arpa. 3600 IN NAPTR')
    expect(doc.zone).toContain('255.100.51.198.in-addr.arpa. 3600 IN NAPTR')
  }, 30_000)
})
