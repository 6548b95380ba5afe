// RFC 9530 Content-Digest, sha-256 only.
//
// RFC 9530 §2: "The Content-Digest HTTP field can be used in requests and responses to
// communicate digests that are calculated using a hashing algorithm applied to the actual
// message content." The value is a Structured Fields Dictionary (RFC 8941 §3.2) whose keys are
// algorithm names and whose values are Byte Sequences, e.g. `sha-256=:base64:`.

import { base64Decode, base64Encode } from './base64.ts'

export const DIGEST_ALGORITHM = 'sha-256'

/** The sha-256 digest of `body` as raw bytes (Web Crypto). */
export async function sha256(body: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', body))
}

/** The `Content-Digest` field value for `body`: `sha-256=:<base64>:`. */
export async function contentDigest(body: Uint8Array): Promise<string> {
  return `${DIGEST_ALGORITHM}=:${base64Encode(await sha256(body))}:`
}

/**
 * The sha-256 digest a `Content-Digest` value carries, or undefined when it carries none.
 * RFC 9530 §2: other algorithms may be listed beside it; they are ignored here (the profile
 * signs and checks sha-256 only).
 */
export function parseSha256(value: string): Uint8Array | undefined {
  for (const member of value.split(',')) {
    const eq = member.indexOf('=')
    if (eq < 0) continue
    if (member.slice(0, eq).trim() !== DIGEST_ALGORITHM) continue
    const m = /^:([A-Za-z0-9+/=]*):$/.exec(member.slice(eq + 1).trim())
    return m ? base64Decode(m[1]) : undefined
  }
  return undefined
}

/** Whether `value` holds the sha-256 digest of `body` (RFC 9421 §7.2.8: recompute, compare). */
export async function digestMatches(value: string, body: Uint8Array): Promise<boolean> {
  const claimed = parseSha256(value)
  if (!claimed) return false
  const actual = await sha256(body)
  return claimed.length === actual.length && claimed.every((b, i) => b === actual[i])
}
