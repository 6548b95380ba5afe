// The ALTO signing profile (RFC 9421 §1.4 asks every application to state one; docs/signing.md):
//
//   label `alto`, tag="alto", alg="ed25519", created + expires + keyid always present;
//   GET answers cover  @status content-type content-digest;
//   POST answers also  @method;req @target-uri;req content-digest;req
//   (RFC 9421 §2.4: the request content is covered only through its Content-Digest).

import { contentDigest, digestMatches } from './content-digest.ts'
import {
  ED25519,
  MissingComponent,
  type Component,
  importPublicKey,
  parseSignature,
  parseSignatureInput,
  serializeSignatureParams,
  signBase,
  signatureBase,
  signatureFields,
  verifyBase,
} from './message-signature.ts'

export const ALTO_LABEL = 'alto'
export const ALTO_TAG = 'alto'

export const RESPONSE_COMPONENTS: readonly Component[] = [
  { name: '@status' },
  { name: 'content-type' },
  { name: 'content-digest' },
]

export const REQUEST_BOUND_COMPONENTS: readonly Component[] = [
  { name: '@method', req: true },
  { name: '@target-uri', req: true },
  { name: 'content-digest', req: true },
]

export interface SignableRequest {
  readonly method: string
  readonly targetUri: string
  /** The request body, for POST; its Content-Digest is computed here when not already sent. */
  readonly body: Uint8Array
  readonly contentDigest?: string
}

export interface SigningKey {
  readonly keyid: string
  readonly key: CryptoKey
}

/** The headers to add to a response: Content-Digest, Signature-Input, Signature. */
export interface SignatureHeaders {
  readonly 'content-digest': string
  readonly 'signature-input': string
  readonly signature: string
}

/**
 * Sign one ALTO response. `request` is given for POST answers (the signature then binds the
 * question); for GET answers it is omitted so the signature is the same for every client and
 * stays cacheable (signing-discovery.md, "presign once per version").
 */
export async function signAltoResponse(opts: {
  status: number
  contentType: string
  body: Uint8Array
  request?: SignableRequest
  key: SigningKey
  created: number
  expires: number
}): Promise<SignatureHeaders> {
  const digest = await contentDigest(opts.body)
  const headers = new Headers({ 'content-type': opts.contentType, 'content-digest': digest })
  const components = opts.request
    ? [...RESPONSE_COMPONENTS, ...REQUEST_BOUND_COMPONENTS]
    : RESPONSE_COMPONENTS
  const req = opts.request && {
    method: opts.request.method,
    targetUri: opts.request.targetUri,
    headers: new Headers({
      'content-digest': opts.request.contentDigest ?? (await contentDigest(opts.request.body)),
    }),
  }
  const paramsValue = serializeSignatureParams(components, {
    created: opts.created,
    expires: opts.expires,
    keyid: opts.key.keyid,
    alg: ED25519,
    tag: ALTO_TAG,
  })
  const base = signatureBase(components, paramsValue, { status: opts.status, headers }, req)
  const fields = signatureFields(ALTO_LABEL, paramsValue, await signBase(base, opts.key.key))
  return {
    'content-digest': digest,
    'signature-input': fields.signatureInput,
    signature: fields.signature,
  }
}

/** Why a signed ALTO response was refused. The CLI maps each to its own exit code. */
export type VerifyFailure =
  | 'no-signature'
  | 'malformed-signature'
  | 'wrong-profile'
  | 'missing-component'
  | 'body-digest-mismatch'
  | 'request-digest-mismatch'
  | 'unknown-key'
  | 'not-yet-valid'
  | 'expired'
  | 'bad-signature'

export type VerifyResult =
  | {
      readonly ok: true
      readonly keyid: string
      readonly created: number
      readonly expires: number
    }
  | { readonly ok: false; readonly reason: VerifyFailure; readonly detail?: string }

export interface Jwks {
  readonly keys: readonly (JsonWebKey & { kid?: string })[]
}

export interface VerifiableResponse {
  readonly status: number
  readonly headers: Headers
  readonly body: Uint8Array
}

export interface VerifiableRequest {
  readonly method: string
  readonly targetUri: string
  readonly headers: Headers
  readonly body: Uint8Array
}

/** Clock skew tolerated on `created` (seconds). */
export const CLOCK_SKEW_S = 60

/**
 * RFC 9421 §3.2 verification under the ALTO profile, plus the §7.2.8 digest checks:
 * the response body must match its Content-Digest and, for request-bound signatures, the
 * carried request body must match the request's Content-Digest.
 */
export async function verifyAltoResponse(opts: {
  response: VerifiableResponse
  request?: VerifiableRequest
  jwks: Jwks
  now: number
}): Promise<VerifyResult> {
  const fail = (reason: VerifyFailure, detail?: string): VerifyResult => ({
    ok: false,
    reason,
    detail,
  })
  const h = opts.response.headers
  const inputField = h.get('signature-input')
  const sigField = h.get('signature')
  if (!inputField || !sigField) return fail('no-signature')
  const input = parseSignatureInput(inputField, ALTO_LABEL)
  const sig = parseSignature(sigField, ALTO_LABEL)
  if (!input || !sig) return fail('malformed-signature')
  const { created, expires, keyid, alg, tag } = input.params
  if (tag !== ALTO_TAG || (alg !== undefined && alg !== ED25519)) return fail('wrong-profile')
  if (created === undefined || expires === undefined || keyid === undefined)
    return fail('wrong-profile', 'created, expires and keyid are required')
  const has = (c: Component) =>
    input.components.some((x) => x.name === c.name && !!x.req === !!c.req)
  if (!RESPONSE_COMPONENTS.every(has)) return fail('wrong-profile', 'response components missing')
  const requestBound = input.components.some((c) => c.req)
  if (requestBound && !REQUEST_BOUND_COMPONENTS.every(has))
    return fail('wrong-profile', 'request components missing')
  const digest = h.get('content-digest')
  if (!digest || !(await digestMatches(digest, opts.response.body)))
    return fail('body-digest-mismatch')
  if (requestBound) {
    if (!opts.request) return fail('missing-component', 'the signature covers the request')
    const reqDigest = opts.request.headers.get('content-digest')
    if (!reqDigest || !(await digestMatches(reqDigest, opts.request.body)))
      return fail('request-digest-mismatch')
  }
  const jwk = opts.jwks.keys.find((k) => k.kid === keyid)
  if (!jwk || jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519') return fail('unknown-key', keyid)
  if (created > opts.now + CLOCK_SKEW_S) return fail('not-yet-valid')
  // §2.3: "expires: Expiration time as a UNIX timestamp" — a signature past it is refused.
  if (opts.now >= expires) return fail('expired')
  let base: string
  try {
    base = signatureBase(
      input.components,
      input.paramsValue,
      { status: opts.response.status, headers: h },
      opts.request && {
        method: opts.request.method,
        targetUri: opts.request.targetUri,
        headers: opts.request.headers,
      }
    )
  } catch (e) {
    if (e instanceof MissingComponent) return fail('missing-component', e.component)
    throw e
  }
  const ok = await verifyBase(base, sig, await importPublicKey(jwk))
  return ok ? { ok: true, keyid, created, expires } : fail('bad-signature')
}
