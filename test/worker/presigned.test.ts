/**
 * Full maps signed at build time with the operator's key (issue 11 item 1; docs/signing.md;
 * src/compiler/presign.ts): the IRD, network maps and cost maps are served with the signature
 * stored in the manifest — the same bytes for every client and every request, never re-signed at
 * the edge — and verify with the project's verifier and with the independent
 * `http-message-signatures` package (RFC 9421 §3.2, the GET components of the ALTO profile).
 */
import { env } from 'cloudflare:workers'
import { httpbis } from 'http-message-signatures'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Jwks, SigningKey } from '../../src/alto/signing/profile.ts'
import { importPrivateKey } from '../../src/alto/signing/message-signature.ts'
import { verifyAnswer } from '../../src/client/verify.ts'
import type { Build } from '../../src/compiler/index.ts'
import { presignBuild } from '../../src/compiler/presign.ts'
import type { Manifest } from '../../src/store/manifest.ts'
import type { Env } from '../../src/worker/env.ts'
import worker from '../../src/worker/index.ts'
import { ORIGIN } from './client.ts'
import { kvStoreFromBinding } from '../../src/compiler/kv-binding.ts'
import { publishBuild } from '../../src/compiler/publish.ts'
import { compileRealMapSet, exampleVariant, publish, testExecutionContext } from './map-set.ts'

const NM = 'rfc-example-network-map'
const CM = 'rfc-example-num-routingcost'
const KID = 'operator-2026-12'
const TTL = 7 * 24 * 3600

let operator: SigningKey
let publicKey: CryptoKey
let jwks: Jwks
let unsigned: Build
let manifest: Manifest
const now = () => Math.floor(Date.now() / 1000)

async function keyPair(kid: string) {
  const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair
  const priv = (await crypto.subtle.exportKey('jwk', pair.privateKey)) as JsonWebKey
  const pub = (await crypto.subtle.exportKey('jwk', pair.publicKey)) as JsonWebKey
  return {
    signing: { keyid: kid, key: await importPrivateKey(priv) } as SigningKey,
    publicKey: pair.publicKey,
    jwk: { kty: pub.kty, crv: pub.crv, x: pub.x, kid },
  }
}

beforeAll(async () => {
  const k = await keyPair(KID)
  operator = k.signing
  publicKey = k.publicKey
  jwks = { keys: [k.jwk] }
  unsigned = await compileRealMapSet()
  const signed = await presignBuild(unsigned, { key: operator, ttlSeconds: TTL })
  manifest = await publish(env.ALTO_KV, signed, { created: '2026-12-02T15:00:00.000Z' })
})

function get(path: string, headers: Record<string, string> = {}, overrides: Partial<Env> = {}) {
  return worker.fetch(
    new Request(`${ORIGIN}${path}`, { headers }),
    { ...env, ...overrides },
    testExecutionContext()
  )
}

async function sha256Digest(bytes: Uint8Array): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))
  return `sha-256=:${btoa(String.fromCharCode(...d))}:`
}

/** The independent implementation; the body digest (RFC 9530) is checked here, not by it. */
async function independentlyVerified(res: Response, body: Uint8Array): Promise<boolean | null> {
  if (res.headers.get('content-digest') !== (await sha256Digest(body))) return false
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
      requiredFields: ['@status', 'content-type', 'content-digest'],
      requiredParams: ['created', 'expires', 'keyid', 'tag'],
    },
    { status: res.status, headers: Object.fromEntries(res.headers) }
  )
}

const RESOURCES = [
  ['the IRD (RFC 7285 §9)', '/directory'],
  ['a full network map (RFC 7285 §11.2.1)', `/networkmap/${NM}`],
  ['a full cost map (RFC 7285 §11.2.3)', `/costmap/${CM}`],
  ['a CDNI advertisement (RFC 9241 §3)', '/cdni/my-default-cdnifci'],
] as const

describe('full maps signed at build time (docs/signing.md)', () => {
  it.each(RESOURCES)('%s carries the build-time signature and verifies', async (_, path) => {
    const res = await get(path)
    expect(res.status).toBe(200)
    const body = new Uint8Array(await res.clone().arrayBuffer())
    const stored = Object.values(manifest.signatures!).find(
      (s) => s['content-digest'] === res.headers.get('Content-Digest')
    )
    expect(stored, 'the signature is the one in the manifest').toBeDefined()
    expect(res.headers.get('Signature')).toBe(stored!.signature)
    expect(res.headers.get('Signature-Input')).toContain(`keyid="${KID}"`)
    expect(await verifyAnswer({ response: res, jwks })).toMatchObject({ ok: true, keyid: KID })
    expect(await independentlyVerified(res, body)).toBe(true)
  })

  it('the same signature for every request (never re-signed at the edge), also from the edge cache', async () => {
    const first = await get(`/networkmap/${NM}`)
    await first.arrayBuffer()
    const again = await get(`/networkmap/${NM}`)
    expect(again.headers.get('Signature')).toBe(first.headers.get('Signature'))
    expect(await verifyAnswer({ response: again, jwks })).toMatchObject({ ok: true })
  })

  it('a 304 (RFC 9110 §15.4.5) carries no signature: there is no content to vouch for', async () => {
    const first = await get(`/costmap/${CM}`)
    await first.arrayBuffer()
    const res = await get(`/costmap/${CM}`, { 'If-None-Match': first.headers.get('ETag')! })
    expect(res.status).toBe(304)
    for (const h of ['Content-Digest', 'Signature-Input', 'Signature'])
      expect(res.headers.get(h)).toBeNull()
  })

  it('refused when a body byte, the status or the content type is changed', async () => {
    const res = await get(`/networkmap/${NM}`)
    const body = new Uint8Array(await res.arrayBuffer())
    const flipped = body.slice()
    flipped[10] ^= 1
    const tampered = new Response(flipped, { status: 200, headers: res.headers })
    expect(await verifyAnswer({ response: tampered, jwks })).toMatchObject({
      ok: false,
      reason: 'body-digest-mismatch',
    })
    const status = new Response(body, { status: 203, headers: res.headers })
    expect(await verifyAnswer({ response: status, jwks })).toMatchObject({
      ok: false,
      reason: 'bad-signature',
    })
    const typed = new Headers(res.headers)
    typed.set('Content-Type', 'application/alto-costmap+json')
    const retyped = new Response(body, { status: 200, headers: typed })
    expect(await verifyAnswer({ response: retyped, jwks })).toMatchObject({
      ok: false,
      reason: 'bad-signature',
    })
  })

  it('the IRD the Worker rewrites (signing-jwks-uri added) is not sent with the signature of the stored one', async () => {
    const res = await get('/directory', {}, { ALTO_SIGNING_JWKS: JSON.stringify(jwks) })
    expect(res.status).toBe(200)
    const body = await res.clone().text()
    expect(body).toContain('signing-jwks-uri')
    // A signature sent with it would be false; there is none (build-time signatures cover the
    // stored bytes only).
    expect(res.headers.get('Signature')).toBeNull()
  })

  it('without an operator key nothing is signed and the version is the unsigned one', async () => {
    expect(unsigned.manifest.signatures).toBeUndefined()
    expect(manifest.version).not.toBe(unsigned.manifest.version)
  })
})

describe('presignBuild: renewal (an unchanged republish stays a no-op while signatures are fresh)', () => {
  it('keeps the current signatures in their first half-life: same version', async () => {
    const t = now()
    const a = await presignBuild(unsigned, { key: operator, ttlSeconds: TTL, now: t })
    const b = await presignBuild(unsigned, {
      key: operator,
      ttlSeconds: TTL,
      now: t + TTL / 2 - 10,
      previous: a.manifest,
    })
    expect(b.manifest.version).toBe(a.manifest.version)
    expect(b.manifest.signatures).toEqual(a.manifest.signatures)
  })

  it('renews them in their second half, or with another key: a new version', async () => {
    const t = now()
    const a = await presignBuild(unsigned, { key: operator, ttlSeconds: TTL, now: t })
    const late = await presignBuild(unsigned, {
      key: operator,
      ttlSeconds: TTL,
      now: t + TTL / 2 + 10,
      previous: a.manifest,
    })
    expect(late.manifest.version).not.toBe(a.manifest.version)
    for (const s of Object.values(late.manifest.signatures!))
      expect(s.expires).toBe(t + TTL / 2 + 10 + TTL)
    const other = await keyPair('operator-2027-01')
    const rotated = await presignBuild(unsigned, {
      key: other.signing,
      ttlSeconds: TTL,
      now: t + 1,
      previous: a.manifest,
    })
    for (const s of Object.values(rotated.manifest.signatures!))
      expect(s.keyid).toBe('operator-2027-01')
  })

  it('signs exactly the IRD and every full network map, cost map, property map and CDNI advertisement', async () => {
    const m = (await presignBuild(unsigned, { key: operator })).manifest
    const want = [
      m.ird.sha256,
      ...Object.values(m['network-maps']).map((n) => n.json.sha256),
      ...Object.values(m['cost-maps']).map((c) => c.json.sha256),
      ...Object.values(m['property-maps'] ?? {}).map((p) => p.json.sha256),
      ...Object.values(m['cdni-advertisements'] ?? {}).map((c) => c.json.sha256),
    ]
    expect(Object.keys(m['cdni-advertisements'] ?? {}).length).toBeGreaterThan(0)
    expect(Object.keys(m.signatures!).sort()).toEqual([...new Set(want)].sort())
  })
})

describe('TIPS update items (RFC 9569 §7) signed at publish with the operator key', () => {
  it('every snapshot and patch of the log verifies; an unsigned publish keeps the old items signed', async () => {
    const kv = kvStoreFromBinding(env.ALTO_KV)
    const signing = { key: operator, ttlSeconds: TTL }
    const v1 = await presignBuild(await compileRealMapSet(exampleVariant(61)), signing)
    const v2 = await presignBuild(await compileRealMapSet(exampleVariant(62)), signing)
    await publishBuild(kv, v1, { updates: { signing } })
    const r2 = await publishBuild(kv, v2, { updates: { signing } })
    const u = r2.updates!.find((x) => x.resourceId === CM)!
    const j = u.seq
    expect(j).toBeGreaterThanOrEqual(2)
    const snapshot = await get(`/tips/view/${CM}/ug/0/${j}`)
    expect(snapshot.status).toBe(200)
    expect(snapshot.headers.get('Content-Type')).toBe('application/alto-costmap+json')
    expect(await verifyAnswer({ response: snapshot, jwks })).toMatchObject({ ok: true, keyid: KID })
    expect(
      await independentlyVerified(snapshot, new Uint8Array(await snapshot.arrayBuffer()))
    ).toBe(true)
    const patch = await get(`/tips/view/${CM}/ug/${j - 1}/${j}`)
    expect(patch.status).toBe(200)
    expect(patch.headers.get('Content-Type')).toBe('application/merge-patch+json')
    expect(await verifyAnswer({ response: patch, jwks })).toMatchObject({ ok: true, keyid: KID })
    expect(await independentlyVerified(patch, new Uint8Array(await patch.arrayBuffer()))).toBe(true)
    const notModified = await get(`/tips/view/${CM}/ug/${j - 1}/${j}`, {
      'If-None-Match': patch.headers.get('ETag')!,
    })
    expect(notModified.status).toBe(304)
    expect(notModified.headers.get('Signature')).toBeNull()

    // A later publish without the key: the items of the signed publications stay signed.
    const v3 = await compileRealMapSet(exampleVariant(63))
    const r3 = await publishBuild(kv, v3, { updates: {} })
    const k = r3.updates!.find((x) => x.resourceId === CM)!.seq
    const older = await get(`/tips/view/${CM}/ug/${j - 1}/${j}`)
    expect(await verifyAnswer({ response: older, jwks })).toMatchObject({ ok: true })
    const newer = await get(`/tips/view/${CM}/ug/${k - 1}/${k}`)
    expect(newer.status).toBe(200)
    expect(newer.headers.get('Signature')).toBeNull()
  })
})
