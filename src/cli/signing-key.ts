/**
 * @module Operator key files (issue 11; docs/signing.md): `--signing-key FILE` of build and
 * publish, and the JWK checks `alto-edge keys` shares. A usage error names the file and what is
 * wrong with it, never the key material.
 */
import { readFile } from 'node:fs/promises'
import { importPrivateKey } from '../alto/signing/message-signature.ts'
import type { SigningKey } from '../alto/signing/profile.ts'

/** A key id: printable, no spaces or quotes (it is written into the Signature-Input field). */
export const KID = /^[A-Za-z0-9._~:@+-]{1,128}$/

export class KeyFileError extends Error {}

export type Jwk = Record<string, unknown>

const PUBLIC_MEMBERS = ['kty', 'crv', 'x', 'kid', 'alg', 'use'] as const

export function publicHalf(jwk: Jwk): Jwk {
  const out: Jwk = {}
  for (const m of PUBLIC_MEMBERS) if (typeof jwk[m] === 'string') out[m] = jwk[m]
  return out
}

export function isEd25519(jwk: Jwk): boolean {
  return jwk.kty === 'OKP' && jwk.crv === 'Ed25519' && typeof jwk.x === 'string'
}

export async function readJson(file: string): Promise<unknown> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (e) {
    throw new KeyFileError(`${file}: cannot be read (${(e as NodeJS.ErrnoException).code ?? e})`)
  }
  try {
    return JSON.parse(text)
  } catch {
    throw new KeyFileError(`${file}: not JSON`)
  }
}

/** `--signing-key FILE`: a private Ed25519 JWK with a `kid`, imported for signing. */
export async function readSigningKey(file: string): Promise<SigningKey> {
  const jwk = (await readJson(file)) as Jwk
  if (typeof jwk !== 'object' || jwk === null || !isEd25519(jwk) || typeof jwk.d !== 'string')
    throw new KeyFileError(`${file}: not a private Ed25519 JWK (kty "OKP", crv "Ed25519", x, d)`)
  if (typeof jwk.kid !== 'string' || !KID.test(jwk.kid))
    throw new KeyFileError(`${file}: the JWK needs a "kid" of 1–128 characters [A-Za-z0-9._~:@+-]`)
  try {
    return { keyid: jwk.kid, key: await importPrivateKey(jwk as unknown as JsonWebKey) }
  } catch {
    throw new KeyFileError(`${file}: the Ed25519 key does not import (bad x or d)`)
  }
}
