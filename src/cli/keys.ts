/**
 * @module Signing keys for operators (issue 11; README "Trust and discovery"; docs/signing.md):
 *
 *   alto-edge keys generate --kid ID --out FILE   a private Ed25519 JWK (file mode 0600); its
 *                                                 public JWK Set on stdout
 *   alto-edge keys jwks FILE…                     one JWK Set of the public halves of the given
 *                                                 keys (private or public JWKs or JWK Sets), for
 *                                                 ALTO_SIGNING_JWKS: edge key, operator key and,
 *                                                 while rotating, the old ones next to the new
 *
 * Only `kty crv x d kid` are kept of a private key, and only `kty crv x kid` (plus `alg`, `use`)
 * leave in a JWK Set. `--signing-key FILE` (build, publish) is read by signing-key.ts.
 */
import { writeFile } from 'node:fs/promises'
import type { Io } from './commands.ts'
import { EXIT_OK, EXIT_UNVERIFIABLE, EXIT_USAGE } from './exit-codes.ts'
import { KID, KeyFileError, isEd25519, publicHalf, readJson, type Jwk } from './signing-key.ts'

export async function cmdKeysGenerate(o: { kid: string; out: string }, io: Io): Promise<number> {
  if (!KID.test(o.kid)) {
    io.err(`--kid: 1–128 characters of [A-Za-z0-9._~:@+-], not ${JSON.stringify(o.kid)}`)
    return EXIT_USAGE
  }
  const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair
  const { kty, crv, x, d } = (await crypto.subtle.exportKey(
    'jwk',
    pair.privateKey
  )) as unknown as Jwk
  const priv = { kty, crv, x, d, kid: o.kid }
  try {
    // `wx`: never overwrite a key (a lost private key cannot be recovered).
    await writeFile(o.out, `${JSON.stringify(priv)}\n`, { mode: 0o600, flag: 'wx' })
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    io.err(`${o.out}: ${code === 'EEXIST' ? 'exists; not overwritten' : `cannot write (${code})`}`)
    return EXIT_USAGE
  }
  io.err(`wrote the private key ${o.kid} to ${o.out} (mode 0600); its JWK Set follows`)
  io.out(JSON.stringify({ keys: [publicHalf(priv)] }, null, 2))
  return EXIT_OK
}

export async function cmdKeysJwks(files: string[], io: Io): Promise<number> {
  const keys: Jwk[] = []
  try {
    for (const file of files) {
      const v = (await readJson(file)) as Jwk
      const list = Array.isArray(v?.keys) ? (v.keys as Jwk[]) : [v]
      for (const k of list) {
        if (typeof k !== 'object' || k === null || !isEd25519(k))
          throw new KeyFileError(`${file}: holds a key that is not an Ed25519 JWK`)
        if (typeof k.kid !== 'string' || !KID.test(k.kid))
          throw new KeyFileError(`${file}: holds a key without a usable "kid"`)
        const other = keys.find((e) => e.kid === k.kid)
        if (other && other.x !== k.x)
          throw new KeyFileError(`${file}: kid ${k.kid} names two different keys`)
        if (!other) keys.push(publicHalf(k))
      }
    }
  } catch (e) {
    if (!(e instanceof KeyFileError)) throw e
    io.err(e.message)
    return EXIT_UNVERIFIABLE
  }
  io.out(JSON.stringify({ keys }, null, 2))
  return EXIT_OK
}
