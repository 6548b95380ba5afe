import { describe, expect, it } from 'vitest'
import { contentDigest, digestMatches } from './content-digest.ts'
import {
  importPrivateKey,
  importPublicKey,
  parseSignatureInput,
  signBase,
  signatureBase,
  verifyBase,
} from './message-signature.ts'
import { base64Encode } from './base64.ts'
import { signAltoResponse, verifyAltoResponse, type Jwks } from './profile.ts'

// RFC 9421 Appendix B.1.4 `test-key-ed25519` (a published test key: never deploy).
const TEST_PUBLIC: JsonWebKey & { kid: string } = {
  kty: 'OKP',
  crv: 'Ed25519',
  x: 'JrQLj5P_89iXES9-vFgrIy29clF9CC_oPPsw3c5D0bs',
  kid: 'test-key-ed25519',
}
const TEST_PRIVATE: JsonWebKey = {
  ...TEST_PUBLIC,
  d: 'n4Ni-HpISpVObnQMW0wOhCKROaIKqKtW_2ZYb2p9KcU',
}
const JWKS: Jwks = { keys: [TEST_PUBLIC] }
const utf8 = new TextEncoder()

describe('RFC 9530 Appendix D', () => {
  it('D.1: sha-256 of {"hello": "world"}', async () => {
    expect(await contentDigest(utf8.encode('{"hello": "world"}'))).toBe(
      'sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:'
    )
  })
  it('§2: a digest of other content does not match', async () => {
    const v = await contentDigest(utf8.encode('{"hello": "world"}'))
    expect(await digestMatches(v, utf8.encode('{"hello": "world!"}'))).toBe(false)
    expect(await digestMatches(`sha-512=:AAAA:, ${v}`, utf8.encode('{"hello": "world"}'))).toBe(
      true
    )
  })
})

describe('RFC 9421 Appendix B.2.6: Ed25519 signature of the test request', () => {
  const headers = new Headers({
    date: 'Tue, 20 Apr 2021 02:07:55 GMT',
    'content-type': 'application/json',
    'content-length': '18',
  })
  const input =
    'sig-b26=("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519"'
  const expectedBase = [
    '"date": Tue, 20 Apr 2021 02:07:55 GMT',
    '"@method": POST',
    '"@path": /foo',
    '"@authority": example.com',
    '"content-type": application/json',
    '"content-length": 18',
    '"@signature-params": ("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519"',
  ].join('\n')
  const expectedSig =
    'wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw=='

  it('§2.5: the signature base is byte for byte the RFC one', () => {
    const parsed = parseSignatureInput(input, 'sig-b26')!
    const base = signatureBase(parsed.components, parsed.paramsValue, {
      method: 'POST',
      targetUri: 'https://example.com/foo?param=Value&Pet=dog',
      headers,
    })
    expect(base).toBe(expectedBase)
  })
  it('§3.3.6: Ed25519 is deterministic, so the signature is the RFC one', async () => {
    const sig = await signBase(expectedBase, await importPrivateKey(TEST_PRIVATE))
    expect(base64Encode(sig)).toBe(expectedSig)
    expect(await verifyBase(expectedBase, sig, await importPublicKey(TEST_PUBLIC))).toBe(true)
  })
})

// signing-discovery.md "Worked vector": a filtered cost map POST under the ALTO profile.
const REQ_BODY = utf8.encode(
  '{"cost-type":{"cost-mode":"numerical","cost-metric":"routingcost"},"pids":{"srcs":["PID1"],"dsts":["PID2"]}}'
)
const RES_BODY = utf8.encode(
  '{"meta":{"dependent-vtags":[{"resource-id":"my-default-network-map","tag":"3ee2cb7e8d63d9fab71b9b34cbf764436315542e"}],"cost-type":{"cost-mode":"numerical","cost-metric":"routingcost"}},"cost-map":{"PID1":{"PID2":5}}}'
)
const TARGET = 'https://alto.example.com/costmap/filtered'

async function signedPost() {
  const key = { keyid: 'test-key-ed25519', key: await importPrivateKey(TEST_PRIVATE) }
  const sig = await signAltoResponse({
    status: 200,
    contentType: 'application/alto-costmap+json',
    body: RES_BODY,
    request: { method: 'POST', targetUri: TARGET, body: REQ_BODY },
    key,
    created: 1700000000,
    expires: 1700086400,
  })
  const response = {
    status: 200,
    headers: new Headers({ 'content-type': 'application/alto-costmap+json', ...sig }),
    body: RES_BODY,
  }
  const request = {
    method: 'POST',
    targetUri: TARGET,
    headers: new Headers({ 'content-digest': await contentDigest(REQ_BODY) }),
    body: REQ_BODY,
  }
  return { sig, response, request }
}

describe('ALTO profile (docs/signing.md), worked POST vector', () => {
  it('reproduces the worked vector fields', async () => {
    const { sig } = await signedPost()
    expect(sig['content-digest']).toBe('sha-256=:m/Hfg8/qeb0vVpHEJYhMxxZjNx4fRbsMKo7PwjS7CHQ=:')
    expect(sig['signature-input']).toBe(
      'alto=("@status" "content-type" "content-digest" "@method";req "@target-uri";req "content-digest";req);created=1700000000;expires=1700086400;keyid="test-key-ed25519";alg="ed25519";tag="alto"'
    )
    expect(sig.signature).toBe(
      'alto=:qnkc4lOgpOda6zSIYWWPYCsCH0uZUyWVQjjRy9B0sWNKifbD2+fxIW/585Ha7ArJYNg6GW3S0RHgGrJN9eAKCA==:'
    )
  })
  it('verifies before expires', async () => {
    const { response, request } = await signedPost()
    expect(await verifyAltoResponse({ response, request, jwks: JWKS, now: 1700000100 })).toEqual({
      ok: true,
      keyid: 'test-key-ed25519',
      created: 1700000000,
      expires: 1700086400,
    })
  })

  const now = 1700000100
  it('§7.2.8: refuses a flipped body bit', async () => {
    const { response, request } = await signedPost()
    const body = RES_BODY.slice()
    body[40] ^= 1
    const r = await verifyAltoResponse({
      response: { ...response, body },
      request,
      jwks: JWKS,
      now,
    })
    expect(r).toMatchObject({ ok: false, reason: 'body-digest-mismatch' })
  })
  it('§7.2.8: refuses a swapped request body (digest recomputed from carried body)', async () => {
    const { response, request } = await signedPost()
    const body = utf8.encode('{"cost-type":{"cost-mode":"numerical","cost-metric":"hopcount"}}')
    const r1 = await verifyAltoResponse({
      response,
      request: { ...request, body },
      jwks: JWKS,
      now,
    })
    expect(r1).toMatchObject({ ok: false, reason: 'request-digest-mismatch' })
    // ... and one whose Content-Digest was swapped along with it fails the signature
    const headers = new Headers({ 'content-digest': await contentDigest(body) })
    const r2 = await verifyAltoResponse({
      response,
      request: { ...request, headers, body },
      jwks: JWKS,
      now,
    })
    expect(r2).toMatchObject({ ok: false, reason: 'bad-signature' })
  })
  it('§2.2.2: refuses a swapped target URI', async () => {
    const { response, request } = await signedPost()
    const targetUri = 'https://alto.example.com/costmap/filtered?x'
    const r = await verifyAltoResponse({
      response,
      request: { ...request, targetUri },
      jwks: JWKS,
      now,
    })
    expect(r).toMatchObject({ ok: false, reason: 'bad-signature' })
  })
  it('§2.3: refuses a signature past expires', async () => {
    const { response, request } = await signedPost()
    const r = await verifyAltoResponse({ response, request, jwks: JWKS, now: 1700086400 })
    expect(r).toMatchObject({ ok: false, reason: 'expired' })
  })
  it('§3.2: refuses an unknown key and a rotated-out key', async () => {
    const { response, request } = await signedPost()
    const other = { ...TEST_PUBLIC, kid: 'edge-2026-12' }
    expect(
      await verifyAltoResponse({ response, request, jwks: { keys: [other] }, now })
    ).toMatchObject({ ok: false, reason: 'unknown-key' })
    // rotated out: the JWKS no longer lists the old kid
    expect(await verifyAltoResponse({ response, request, jwks: { keys: [] }, now })).toMatchObject({
      ok: false,
      reason: 'unknown-key',
    })
  })
  it('rotation with overlapping keys (docs/signing.md): old and new answers both verify while both keys are listed', async () => {
    const { response: old, request } = await signedPost()
    const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, [
      'sign',
      'verify',
    ])) as CryptoKeyPair
    const newPublic = {
      ...((await crypto.subtle.exportKey('jwk', pair.publicKey)) as JsonWebKey),
      kid: 'edge-new',
    }
    const sig = await signAltoResponse({
      status: 200,
      contentType: 'application/alto-costmap+json',
      body: RES_BODY,
      request: { method: 'POST', targetUri: TARGET, body: REQ_BODY },
      key: { keyid: 'edge-new', key: pair.privateKey },
      created: 1700000000,
      expires: 1700086400,
    })
    const fresh = {
      ...old,
      headers: new Headers({ 'content-type': old.headers.get('content-type')!, ...sig }),
    }
    const overlap: Jwks = { keys: [TEST_PUBLIC, newPublic] }
    const verify = (response: typeof old, jwks: Jwks) =>
      verifyAltoResponse({ response, request, jwks, now })
    expect(await verify(old, overlap)).toMatchObject({ ok: true, keyid: 'test-key-ed25519' })
    expect(await verify(fresh, overlap)).toMatchObject({ ok: true, keyid: 'edge-new' })
    // After the overlap: the old key is dropped, answers signed with it are no longer trusted.
    expect(await verify(old, { keys: [newPublic] })).toMatchObject({
      ok: false,
      reason: 'unknown-key',
    })
    expect(await verify(fresh, { keys: [newPublic] })).toMatchObject({ ok: true })
    // A key listed under the other's kid does not verify (the kid selects, the key decides).
    expect(await verify(fresh, { keys: [{ ...TEST_PUBLIC, kid: 'edge-new' }] })).toMatchObject({
      ok: false,
      reason: 'bad-signature',
    })
  })
  it('§3.2: a request-bound signature without the request is refused', async () => {
    const { response } = await signedPost()
    expect(await verifyAltoResponse({ response, jwks: JWKS, now })).toMatchObject({
      ok: false,
      reason: 'missing-component',
    })
  })
  it('§1.4 profile: a changed status is refused', async () => {
    const { response, request } = await signedPost()
    const r = await verifyAltoResponse({
      response: { ...response, status: 203 },
      request,
      jwks: JWKS,
      now,
    })
    expect(r).toMatchObject({ ok: false, reason: 'bad-signature' })
  })
})
