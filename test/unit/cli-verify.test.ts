/**
 * `alto-edge bundle` and `alto-edge verify` (issue 11; docs/signing.md), the real binary against
 * a local HTTP server on 127.0.0.1 that answers an RFC 7285 §11.5 endpoint-cost question signed
 * under the ALTO profile (src/alto/signing/profile.ts) — the signer the Worker uses.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { importPrivateKey } from '../../src/alto/signing/message-signature.ts'
import { signAltoResponse } from '../../src/alto/signing/profile.ts'
import {
  EXIT_BAD_SIGNATURE,
  EXIT_OK,
  EXIT_SERVER,
  EXIT_UNVERIFIABLE,
} from '../../src/cli/exit-codes.ts'
import { runCli } from './run-cli.ts'

const dir = mkdtempSync(join(tmpdir(), 'alto-verify-'))
const QUESTION =
  '{"cost-type":{"cost-mode":"numerical","cost-metric":"routingcost"},"endpoints":{"srcs":["ipv4:192.0.2.1"],"dsts":["ipv4:198.51.100.200"]}}'
const ANSWER =
  '{"meta":{"cost-type":{"cost-mode":"numerical","cost-metric":"routingcost"}},"endpoint-cost-map":{"ipv4:192.0.2.1":{"ipv4:198.51.100.200":20}}}'
const TTL = 300
let server: Server
let base = ''
let created = 0
const jwksFile = join(dir, 'jwks.json')
const otherJwksFile = join(dir, 'other.json')

async function keyPair(kid: string) {
  const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair
  return {
    priv: { ...((await crypto.subtle.exportKey('jwk', pair.privateKey)) as JsonWebKey), kid },
    pub: { ...((await crypto.subtle.exportKey('jwk', pair.publicKey)) as JsonWebKey), kid },
  }
}

beforeAll(async () => {
  const k = await keyPair('edge-1')
  const other = await keyPair('edge-1') // same kid, another key: a forged JWK Set
  writeFileSync(jwksFile, JSON.stringify({ keys: [k.pub] }))
  writeFileSync(otherJwksFile, JSON.stringify({ keys: [other.pub] }))
  const key = { keyid: 'edge-1', key: await importPrivateKey(k.priv) }
  server = createServer((req, res) => {
    let body = ''
    req.on('data', (d: Buffer) => (body += d))
    req.on('end', async () => {
      if (req.url === '/jwks.json') {
        res.writeHead(200, { 'Content-Type': 'application/jwk-set+json' })
        return res.end(JSON.stringify({ keys: [k.pub] }))
      }
      if (req.method !== 'POST') {
        res.writeHead(404)
        return res.end()
      }
      created = Math.floor(Date.now() / 1000)
      const type = 'application/alto-endpointcost+json'
      const h = await signAltoResponse({
        status: 200,
        contentType: type,
        body: new TextEncoder().encode(ANSWER),
        request: {
          method: 'POST',
          targetUri: `${base}${req.url}`,
          body: new TextEncoder().encode(body),
        },
        key,
        created,
        expires: created + TTL,
      })
      res.writeHead(200, {
        'Content-Type': type,
        'Content-Digest': h['content-digest'],
        'Signature-Input': h['signature-input'],
        Signature: h.signature,
      })
      res.end(ANSWER)
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const a = server.address()
  base = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`
})
afterAll(() => new Promise<void>((r) => server.close(() => r())))

const bundleFile = join(dir, 'answer.bundle.json')
const ask = (out = bundleFile, path = '/endpointcost/lookup') =>
  runCli([
    'bundle',
    `${base}${path}`,
    '--out',
    out,
    '--body',
    QUESTION,
    '--content-type',
    'application/alto-endpointcostparams+json',
  ])
const verify = (file: string, ...more: string[]) =>
  runCli(['verify', file, '--jwks', jwksFile, '--json', ...more])

describe('alto-edge bundle + verify (RFC 9421, RFC 9530)', () => {
  it('a bundle of a signed answer verifies, from a JWKS file or URL', async () => {
    const b = await ask()
    expect([b.code, b.stderr]).toEqual([EXIT_OK, expect.stringMatching(/signed/)])
    const bundle = JSON.parse(readFileSync(bundleFile, 'utf8'))
    expect(bundle).toMatchObject({
      'alto-edge-bundle': 1,
      request: { method: 'POST', body: QUESTION },
      response: { status: 200, body: ANSWER },
    })
    const v = await verify(bundleFile)
    expect([v.code, JSON.parse(v.stdout)]).toEqual([
      EXIT_OK,
      { ok: true, keyid: 'edge-1', created, expires: created + TTL },
    ])
    const viaUrl = await runCli(['verify', bundleFile, '--jwks', `${base}/jwks.json`])
    expect([viaUrl.code, viaUrl.stdout]).toEqual([EXIT_OK, expect.stringMatching(/^ok: POST /)])
  })

  it('refuses a changed answer, a changed question, another key, and after expiry', async () => {
    const bundle = JSON.parse(readFileSync(bundleFile, 'utf8'))
    const write = (name: string, change: (b: typeof bundle) => void) => {
      const copy = structuredClone(bundle)
      change(copy)
      const f = join(dir, name)
      writeFileSync(f, JSON.stringify(copy))
      return f
    }
    const cases: [string, string][] = [
      [
        write('body.json', (b) => (b.response.body = b.response.body.replace('20', '21'))),
        'body-digest-mismatch',
      ],
      [
        write('question.json', (b) => (b.request.body = b.request.body.replace('.200', '.201'))),
        'bad-signature',
      ],
      [write('uri.json', (b) => (b.request.uri = b.request.uri + '?x')), 'bad-signature'],
      [write('status.json', (b) => (b.response.status = 203)), 'bad-signature'],
      [write('unsigned.json', (b) => delete b.response.headers.signature), 'no-signature'],
    ]
    for (const [file, reason] of cases) {
      const v = await verify(file)
      expect([file, v.code, JSON.parse(v.stdout).reason]).toEqual([
        file,
        EXIT_BAD_SIGNATURE,
        reason,
      ])
    }
    const forged = await runCli(['verify', bundleFile, '--jwks', otherJwksFile, '--json'])
    expect([forged.code, JSON.parse(forged.stdout).reason]).toEqual([
      EXIT_BAD_SIGNATURE,
      'bad-signature',
    ])
    const late = await verify(bundleFile, '--at', String(created + TTL + 1))
    expect([late.code, JSON.parse(late.stdout).reason]).toEqual([EXIT_BAD_SIGNATURE, 'expired'])
  })

  it('unreadable bundle or JWK Set: exit 8; an error answer writes no bundle: exit 6', async () => {
    writeFileSync(join(dir, 'garbage.json'), '{"alto-edge-bundle": 2}')
    const g = await verify(join(dir, 'garbage.json'))
    expect([g.code, JSON.parse(g.stdout).detail]).toEqual([
      EXIT_UNVERIFIABLE,
      expect.stringMatching(/not a bundle/),
    ])
    const missing = await runCli(['verify', bundleFile, '--jwks', join(dir, 'nope.json')])
    expect(missing.code).toBe(EXIT_UNVERIFIABLE)
    const out = join(dir, 'error.bundle.json')
    const e = await runCli(['bundle', `${base}/nothing`, '--out', out])
    expect(e.code).toBe(EXIT_SERVER)
    expect(() => readFileSync(out)).toThrow()
  })
})
