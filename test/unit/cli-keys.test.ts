/**
 * `alto-edge keys generate | jwks` and `build --signing-key` (issue 11; docs/signing.md), the real
 * binary: the operator's key is made, its public half listed for ALTO_SIGNING_JWKS, and a build
 * signs the IRD and every full map so that each stored body verifies against that JWK Set under
 * the ALTO profile's GET components (RFC 9421; src/alto/signing/profile.ts).
 */
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { verifyAltoResponse, type Jwks } from '../../src/alto/signing/profile.ts'
import { EXIT_OK, EXIT_UNVERIFIABLE, EXIT_USAGE } from '../../src/cli/exit-codes.ts'
import type { Manifest } from '../../src/store/manifest.ts'
import { runCli } from './run-cli.ts'

const dir = mkdtempSync(join(tmpdir(), 'alto-keys-'))
const keyFile = join(dir, 'operator.jwk')

describe('alto-edge keys', () => {
  it('generate: a private Ed25519 JWK, mode 0600, its public JWK Set on stdout', async () => {
    const r = await runCli(['keys', 'generate', '--kid', 'operator-1', '--out', keyFile])
    expect(r.code, r.stderr).toBe(EXIT_OK)
    const priv = JSON.parse(readFileSync(keyFile, 'utf8'))
    expect(Object.keys(priv).sort()).toEqual(['crv', 'd', 'kid', 'kty', 'x'])
    expect(priv).toMatchObject({ kty: 'OKP', crv: 'Ed25519', kid: 'operator-1' })
    expect(statSync(keyFile).mode & 0o777).toBe(0o600)
    const jwks = JSON.parse(r.stdout)
    expect(jwks).toEqual({ keys: [{ kty: 'OKP', crv: 'Ed25519', x: priv.x, kid: 'operator-1' }] })
  })

  it('generate never overwrites a key, and refuses a kid that cannot go into Signature-Input', async () => {
    const before = readFileSync(keyFile, 'utf8')
    const again = await runCli(['keys', 'generate', '--kid', 'operator-1', '--out', keyFile])
    expect(again.code).toBe(EXIT_USAGE)
    expect(again.stderr).toContain('exists; not overwritten')
    expect(readFileSync(keyFile, 'utf8')).toBe(before)
    const bad = await runCli(['keys', 'generate', '--kid', 'a "b"', '--out', join(dir, 'x')])
    expect(bad.code).toBe(EXIT_USAGE)
    expect(bad.stderr).toContain('--kid')
  })

  it('jwks: the public halves of several keys in one set (rotation overlap); d never leaves', async () => {
    const second = join(dir, 'edge.jwk')
    expect((await runCli(['keys', 'generate', '--kid', 'edge-1', '--out', second])).code).toBe(0)
    const r = await runCli(['keys', 'jwks', keyFile, second])
    expect(r.code, r.stderr).toBe(EXIT_OK)
    const set = JSON.parse(r.stdout) as { keys: Record<string, string>[] }
    expect(set.keys.map((k) => k.kid)).toEqual(['operator-1', 'edge-1'])
    for (const k of set.keys) expect(k.d).toBeUndefined()
    expect(r.stdout).not.toContain(JSON.parse(readFileSync(keyFile, 'utf8')).d)
  })

  it('jwks refuses one kid naming two keys, and files that hold no Ed25519 key', async () => {
    const other = join(dir, 'impostor.jwk')
    await runCli(['keys', 'generate', '--kid', 'impostor', '--out', other])
    const impostor = JSON.parse(readFileSync(other, 'utf8'))
    writeFileSync(other, JSON.stringify({ ...impostor, kid: 'operator-1' }))
    const clash = await runCli(['keys', 'jwks', keyFile, other])
    expect(clash.code).toBe(EXIT_UNVERIFIABLE)
    expect(clash.stderr).toContain('kid operator-1 names two different keys')
    const rsa = join(dir, 'rsa.json')
    writeFileSync(rsa, JSON.stringify({ kty: 'RSA', n: 'x', e: 'AQAB', kid: 'r' }))
    expect((await runCli(['keys', 'jwks', rsa])).code).toBe(EXIT_UNVERIFIABLE)
  })
})

describe('alto-edge build --signing-key', () => {
  it('signs the IRD and every full map; each stored body verifies against the JWK Set', async () => {
    const out = join(dir, 'build')
    const r = await runCli([
      'build',
      'maps',
      '--skip-optional',
      '--out',
      out,
      '--signing-key',
      keyFile,
      '--signature-ttl',
      '3600',
      '-q',
    ])
    expect(r.code, r.stderr).toBe(EXIT_OK)
    const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Manifest
    const bulk = JSON.parse(readFileSync(join(out, 'kv-bulk.json'), 'utf8')) as {
      key: string
      value: string
    }[]
    const blob = (sha: string) =>
      new Uint8Array(Buffer.from(bulk.find((e) => e.key === `blob/${sha}`)!.value, 'base64'))
    const jwks = JSON.parse((await runCli(['keys', 'jwks', keyFile])).stdout) as Jwks
    const sigs = Object.entries(m.signatures!)
    expect(sigs.length).toBe(
      1 +
        Object.keys(m['network-maps']).length +
        Object.keys(m['cost-maps']).length +
        Object.keys(m['property-maps'] ?? {}).length +
        Object.keys(m['cdni-advertisements'] ?? {}).length
    )
    const t = Math.floor(Date.now() / 1000)
    for (const [sha, s] of sigs) {
      expect(s.expires - t).toBeGreaterThan(3500)
      expect(s.expires - t).toBeLessThanOrEqual(3600)
      const response = {
        status: 200,
        headers: new Headers({
          'content-type': s['media-type'],
          'content-digest': s['content-digest'],
          'signature-input': s['signature-input'],
          signature: s.signature,
        }),
        body: blob(sha),
      }
      expect(await verifyAltoResponse({ response, jwks, now: t })).toMatchObject({
        ok: true,
        keyid: 'operator-1',
      })
      // One flipped bit of the stored body and it no longer holds.
      const flipped = blob(sha)
      flipped[0] ^= 1
      expect(
        await verifyAltoResponse({ response: { ...response, body: flipped }, jwks, now: t })
      ).toMatchObject({ ok: false, reason: 'body-digest-mismatch' })
    }
  })

  it('refuses a public key or an unreadable file before compiling (usage error, nothing written)', async () => {
    const pub = join(dir, 'public.jwk')
    const priv = JSON.parse(readFileSync(keyFile, 'utf8'))
    writeFileSync(pub, JSON.stringify({ ...priv, d: undefined }))
    const out = join(dir, 'nobuild')
    const r = await runCli(['build', 'maps', '--out', out, '--signing-key', pub, '-q'])
    expect(r.code).toBe(EXIT_USAGE)
    expect(r.stderr).toContain('not a private Ed25519 JWK')
    const missing = await runCli(['build', 'maps', '--out', out, '--signing-key', join(dir, 'no')])
    expect(missing.code).toBe(EXIT_USAGE)
    expect(missing.stderr).toContain('cannot be read')
    expect(() => statSync(out)).toThrow()
  })
})
