/**
 * Signed edge answers (issue 11 item 1; docs/signing.md): RFC 9421 HTTP Message Signatures and
 * RFC 9530 Content-Digest on a POST endpoint-cost answer (RFC 7285 §11.5), checked with the
 * project's verifier and with an independent implementation (the npm `http-message-signatures`
 * package), refused after tampering; nothing added when signing is off.
 */
import { env } from 'cloudflare:workers'
import { httpbis } from 'http-message-signatures'
import { beforeAll, describe, expect, it } from 'vitest'
import { MEDIA_TYPES } from '../../src/alto/media-types.ts'
import { verifyAltoResponse, type Jwks } from '../../src/alto/signing/profile.ts'
import { fetchJwks, verifyAnswer } from '../../src/client/verify.ts'
import type { Env } from '../../src/worker/env.ts'
import worker from '../../src/worker/index.ts'
import { ORIGIN } from './client.ts'
import { compileRealMapSet, publish, testExecutionContext } from './map-set.ts'

const NM = 'rfc-example-network-map'
const PATH = `/endpointcost/${NM}/lookup`
const QUESTION = JSON.stringify({
  'cost-type': { 'cost-mode': 'numerical', 'cost-metric': 'routingcost' },
  endpoints: { srcs: ['ipv4:192.0.2.1'], dsts: ['ipv4:198.51.100.200', 'ipv4:203.0.113.9'] },
})
const KID = 'edge-2026-12'

let privateJwk: JsonWebKey & { kid: string }
let publicJwk: JsonWebKey & { kid: string }
let publicKey: CryptoKey

beforeAll(async () => {
  await publish(env.ALTO_KV, await compileRealMapSet(), { created: '2026-11-26T18:00:00.000Z' })
  const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair
  privateJwk = {
    ...((await crypto.subtle.exportKey('jwk', pair.privateKey)) as JsonWebKey),
    kid: KID,
  }
  publicJwk = {
    ...((await crypto.subtle.exportKey('jwk', pair.publicKey)) as JsonWebKey),
    kid: KID,
  }
  publicKey = pair.publicKey
})

const signingOn = (): Partial<Env> => ({
  ALTO_SIGNING: 'on',
  ALTO_SIGNATURE_TTL: '120',
  ALTO_SIGNING_KEY: JSON.stringify(privateJwk),
  ALTO_SIGNING_JWKS: JSON.stringify({ keys: [publicJwk] }),
})

function call(overrides: Partial<Env>, path = PATH, body: string | null = QUESTION) {
  const init: RequestInit =
    body === null
      ? {}
      : { method: 'POST', headers: { 'Content-Type': MEDIA_TYPES.endpointCostParams }, body }
  return worker.fetch(
    new Request(`${ORIGIN}${path}`, init),
    { ...env, ...overrides },
    testExecutionContext()
  )
}

async function sha256Digest(bytes: Uint8Array): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))
  return `sha-256=:${btoa(String.fromCharCode(...d))}:`
}

const encode = (s: string) => new TextEncoder().encode(s)
const now = () => Math.floor(Date.now() / 1000)

/** The client's side of the question, as the verifier needs it (its own Content-Digest). */
async function question(body = QUESTION) {
  return {
    method: 'POST',
    targetUri: `${ORIGIN}${PATH}`,
    headers: new Headers({ 'content-digest': await sha256Digest(encode(body)) }),
    body: encode(body),
  }
}

/** Verification by the independent `http-message-signatures` implementation (RFC 9421 §3.2). */
async function independentlyVerified(
  status: number,
  headers: Headers,
  body: Uint8Array,
  reqBody = QUESTION
): Promise<boolean | null> {
  // RFC 9530: the library checks the signature only; the body digest is checked here.
  if (headers.get('content-digest') !== (await sha256Digest(body))) return false
  return httpbis.verifyMessage(
    {
      keyLookup: async (params) =>
        params.keyid === KID
          ? {
              id: KID,
              algs: ['ed25519'],
              verify: async (data, signature) =>
                crypto.subtle.verify('Ed25519', publicKey, signature, data),
            }
          : null,
      requiredFields: ['@status', 'content-type', 'content-digest', '@method', '@target-uri'],
      requiredParams: ['created', 'expires', 'keyid', 'tag'],
    },
    { status, headers: Object.fromEntries(headers) },
    {
      method: 'POST',
      url: `${ORIGIN}${PATH}`,
      headers: { 'content-digest': await sha256Digest(encode(reqBody)) },
    }
  )
}

describe('signed edge answers (RFC 9421, RFC 9530; docs/signing.md)', () => {
  it('signing off (the wrangler.toml default): no signature headers', async () => {
    expect(env.ALTO_SIGNING).toBe('off')
    const res = await call({ ALTO_SIGNING_KEY: JSON.stringify(privateJwk) })
    expect(res.status).toBe(200)
    await res.arrayBuffer()
    for (const h of ['Content-Digest', 'Signature-Input', 'Signature'])
      expect(res.headers.get(h)).toBeNull()
  })

  it('RFC 7285 §11.5 endpoint cost answer, signed: verifies with verifyAltoResponse and independently', async () => {
    const res = await call(signingOn())
    expect(res.status).toBe(200)
    expect(res.headers.get('Content-Type')).toBe(MEDIA_TYPES.endpointCost)
    const body = new Uint8Array(await res.arrayBuffer())
    const input = res.headers.get('Signature-Input')!
    expect(input).toMatch(
      /^alto=\("@status" "content-type" "content-digest" "@method";req "@target-uri";req "content-digest";req\);created=\d+;expires=\d+;keyid="edge-2026-12";alg="ed25519";tag="alto"$/
    )
    const created = Number(/created=(\d+)/.exec(input)![1])
    expect(Number(/expires=(\d+)/.exec(input)![1]) - created).toBe(120) // ALTO_SIGNATURE_TTL
    const jwks = (await (await call(signingOn(), '/signing/jwks.json', null)).json()) as Jwks
    const result = await verifyAltoResponse({
      response: { status: res.status, headers: res.headers, body },
      request: await question(),
      jwks,
      now: now(),
    })
    expect(result).toEqual({ ok: true, keyid: KID, created, expires: created + 120 })
    expect(await independentlyVerified(res.status, res.headers, body)).toBe(true)
  })

  it('refused after tampering: body, status, request body, signature bytes', async () => {
    const res = await call(signingOn())
    const body = new Uint8Array(await res.arrayBuffer())
    const jwks: Jwks = { keys: [publicJwk] }
    const verify = async (b: Uint8Array, status = 200, headers = res.headers, req?: string) =>
      verifyAltoResponse({
        response: { status, headers, body: b },
        request: await question(req),
        jwks,
        now: now(),
      })
    const flipped = body.slice()
    flipped[flipped.length - 3] ^= 1
    expect(await verify(flipped)).toMatchObject({ ok: false, reason: 'body-digest-mismatch' })
    expect(await independentlyVerified(200, res.headers, flipped)).toBe(false)
    expect(await verify(body, 203)).toMatchObject({ ok: false, reason: 'bad-signature' })
    expect(await independentlyVerified(203, res.headers, body)).toBe(false)
    const other = QUESTION.replace('203.0.113.9', '203.0.113.10')
    expect(await verify(body, 200, res.headers, other)).toMatchObject({
      ok: false,
      reason: 'bad-signature',
    })
    expect(await independentlyVerified(200, res.headers, body, other)).toBe(false)
    const forged = new Headers(res.headers)
    const sig = res.headers.get('Signature')!
    forged.set(
      'Signature',
      sig.replace(/:(.)/, (_, c: string) => `:${c === 'A' ? 'B' : 'A'}`)
    )
    expect(await verify(body, 200, forged)).toMatchObject({ ok: false, reason: 'bad-signature' })
    expect(await independentlyVerified(200, forged, body)).toBe(false)
  })

  it('the client library checks it (src/client/verify.ts): JWK Set fetched from the server, question recomputed', async () => {
    const res = await call(signingOn())
    const viaWorker = async (input: RequestInfo | URL, init?: RequestInit) =>
      worker.fetch(new Request(input, init), { ...env, ...signingOn() }, testExecutionContext())
    const jwks = await fetchJwks(`${ORIGIN}/signing/jwks.json`, viaWorker)
    const uri = `${ORIGIN}${PATH}`
    const asked = { method: 'POST', uri, body: QUESTION }
    expect(await verifyAnswer({ response: res, question: asked, jwks })).toMatchObject({
      ok: true,
      keyid: KID,
    })
    // The body is still readable by the caller (verifyAnswer read a clone).
    expect(
      ((await res.json()) as { 'endpoint-cost-map': object })['endpoint-cost-map']
    ).toBeTruthy()
    const res2 = await call(signingOn())
    const other = { ...asked, body: QUESTION.replace('203.0.113.9', '203.0.113.10') }
    expect(await verifyAnswer({ response: res2, question: other, jwks })).toMatchObject({
      ok: false,
      reason: 'bad-signature',
    })
    expect(await verifyAnswer({ response: res2, jwks })).toMatchObject({
      ok: false,
      reason: 'missing-component',
    })
    expect(
      await verifyAnswer({ response: res2, question: asked, jwks, now: now() + 121 })
    ).toMatchObject({ ok: false, reason: 'expired' })
    expect(
      await verifyAnswer({ response: res2, question: asked, jwks: { keys: [] } })
    ).toMatchObject({ ok: false, reason: 'unknown-key' })
  })

  it('a key as Node 22 WebCrypto exports it (alg "Ed25519", key_ops, ext) signs too', async () => {
    // Found by hand against wrangler dev: workerd refused such a JWK at import, so every
    // answer went out unsigned with only a log line.
    const nodeStyle = { ...privateJwk, alg: 'Ed25519', key_ops: ['sign'], ext: true }
    const res = await call({ ...signingOn(), ALTO_SIGNING_KEY: JSON.stringify(nodeStyle) })
    const body = new Uint8Array(await res.arrayBuffer())
    expect(res.headers.get('Signature')).toMatch(/^alto=:/)
    expect(await independentlyVerified(res.status, res.headers, body)).toBe(true)
  })

  it('errors are never signed (application/alto-error+json)', async () => {
    const res = await call(signingOn(), PATH, '{"cost-type":{}}')
    expect(res.status).toBe(400)
    expect(res.headers.get('Content-Type')).toBe(MEDIA_TYPES.error)
    await res.arrayBuffer()
    expect(res.headers.get('Signature')).toBeNull()
  })

  it('GET /signing/jwks.json serves public members only; 404 when no key is configured', async () => {
    const res = await call(
      { ALTO_SIGNING_KEY: JSON.stringify(privateJwk), ALTO_SIGNING_JWKS: '' },
      '/signing/jwks.json',
      null
    )
    expect(res.status).toBe(200)
    expect(res.headers.get('Content-Type')).toBe('application/jwk-set+json')
    const jwks = (await res.json()) as Jwks
    // The private JWK's public members (workerd exports alg "EdDSA" with it); never "d".
    expect(jwks.keys).toEqual([
      {
        kty: 'OKP',
        crv: 'Ed25519',
        x: publicJwk.x,
        kid: KID,
        ...(publicJwk.alg && { alg: publicJwk.alg }),
      },
    ])
    expect(JSON.stringify(jwks)).not.toContain('"d"')
    const none = await call(
      { ALTO_SIGNING_KEY: '', ALTO_SIGNING_JWKS: '' },
      '/signing/jwks.json',
      null
    )
    expect(none.status).toBe(404)
    await none.arrayBuffer()
  })

  it('the IRD names the JWK Set (meta "signing-jwks-uri", RFC 7285 §8.3.7) only when keys are configured', async () => {
    const on = await call(signingOn(), '/directory', null)
    expect(on.status).toBe(200)
    const meta = ((await on.json()) as { meta: Record<string, unknown> }).meta
    expect(meta['signing-jwks-uri']).toBe('/signing/jwks.json')
    expect(meta['default-alto-network-map']).toBeDefined()
    const off = await call({}, '/directory', null)
    const offMeta = ((await off.json()) as { meta: Record<string, unknown> }).meta
    expect(offMeta['signing-jwks-uri']).toBeUndefined()
    expect(on.headers.get('ETag')).not.toBe(off.headers.get('ETag'))
  })

  it.each([
    [
      'filtered network map',
      `/networkmap/${NM}/filtered`,
      MEDIA_TYPES.networkMapFilter,
      { pids: ['PID1'] },
    ],
    [
      'filtered cost map',
      `/costmap/${NM}/filtered`,
      MEDIA_TYPES.costMapFilter,
      {
        'cost-type': { 'cost-mode': 'numerical', 'cost-metric': 'routingcost' },
        pids: { srcs: ['PID1'] },
      },
    ],
  ])('%s (RFC 7285 §11.3.1, §11.3.2) answers are signed too', async (_, path, type, q) => {
    const text = JSON.stringify(q)
    const res = await worker.fetch(
      new Request(`${ORIGIN}${path}`, {
        method: 'POST',
        headers: { 'Content-Type': type },
        body: text,
      }),
      { ...env, ...signingOn() },
      testExecutionContext()
    )
    expect(res.status).toBe(200)
    const body = new Uint8Array(await res.arrayBuffer())
    const result = await verifyAltoResponse({
      response: { status: 200, headers: res.headers, body },
      request: { ...(await question(text)), targetUri: `${ORIGIN}${path}` },
      jwks: { keys: [publicJwk] },
      now: now(),
    })
    expect(result.ok).toBe(true)
  })
})
