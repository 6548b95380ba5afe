// RFC 9421 HTTP Message Signatures: the signature base (§2.5), the `Signature-Input` /
// `Signature` fields (§4) and Ed25519 (§3.3.6) through Web Crypto.
//
// Only what the ALTO signing profile (docs/signing.md) needs: derived components `@status`,
// `@method`, `@target-uri`, `@path`, `@authority`, header fields by lower-case name, the `req`
// parameter (§2.4), and signature parameters created / expires / keyid / alg / tag.

import { base64Decode, base64Encode } from './base64.ts'

/** One covered component: a field name or `@derived` name, `req` when taken from the request. */
export interface Component {
  readonly name: string
  readonly req?: boolean
}

export interface SignatureParams {
  readonly created: number
  readonly expires?: number
  readonly keyid: string
  readonly alg?: string
  readonly tag?: string
}

/** A message as the signature base sees it. Header names are matched case-insensitively. */
export interface MessageView {
  readonly status?: number
  readonly method?: string
  readonly targetUri?: string
  readonly headers: Headers
}

export const ED25519 = 'ed25519'

/** §2.1/§2.4: `"name"` or `"name";req`. */
export function serializeComponent(c: Component): string {
  return `"${c.name}"${c.req ? ';req' : ''}`
}

/**
 * §2.3: the `@signature-params` value, an Inner List of the components followed by the
 * parameters in the order given. "The signature parameters component value is the serialization
 * of the signature parameters for this signature, including the covered components ordered
 * set with all associated parameters."
 */
export function serializeSignatureParams(
  components: readonly Component[],
  p: SignatureParams
): string {
  let s = `(${components.map(serializeComponent).join(' ')});created=${p.created}`
  if (p.expires !== undefined) s += `;expires=${p.expires}`
  s += `;keyid="${p.keyid}"`
  if (p.alg !== undefined) s += `;alg="${p.alg}"`
  if (p.tag !== undefined) s += `;tag="${p.tag}"`
  return s
}

export class MissingComponent extends Error {
  readonly component: string
  constructor(component: string) {
    super(`covered component ${component} is absent from the message`)
    this.component = component
  }
}

/** §2.1 (fields) and §2.2 (derived components): one component's value. */
export function componentValue(
  c: Component,
  message: MessageView,
  request: MessageView | undefined
): string {
  const m = c.req ? request : message
  if (!m) throw new MissingComponent(serializeComponent(c))
  const missing = (): never => {
    throw new MissingComponent(serializeComponent(c))
  }
  switch (c.name) {
    case '@status':
      // §2.2.9: "The @status component identifier MUST NOT be used in a request message" and
      // its value is the three-digit status code.
      return m.status === undefined ? missing() : String(m.status)
    case '@method':
      return m.method ?? missing()
    case '@target-uri':
      return m.targetUri ?? missing()
    case '@authority':
      return m.targetUri ? new URL(m.targetUri).host.toLowerCase() : missing()
    case '@path':
      return m.targetUri ? new URL(m.targetUri).pathname : missing()
    default: {
      if (c.name.startsWith('@')) return missing()
      // §2.1: "Strip leading and trailing whitespace from each item in the list"; Headers.get
      // already joins repeated fields with ", ".
      const v = m.headers.get(c.name)
      return v === null ? missing() : v.trim()
    }
  }
}

/** §2.5: the signature base, one `"name": value` line per component, `@signature-params` last. */
export function signatureBase(
  components: readonly Component[],
  paramsValue: string,
  message: MessageView,
  request?: MessageView
): string {
  let base = ''
  for (const c of components) {
    base += `${serializeComponent(c)}: ${componentValue(c, message, request)}\n`
  }
  return base + `"@signature-params": ${paramsValue}`
}

/**
 * Ed25519 private key from a JWK (`kty` OKP, `crv` Ed25519, `x`, `d`). Only those members are
 * passed on: `alg` is "EdDSA" or "Ed25519" depending on the exporter (Node 22 WebCrypto writes
 * "Ed25519", which workerd refuses), and `key_ops` / `ext` are the exporter's, not ours.
 */
export function importPrivateKey(jwk: JsonWebKey): Promise<CryptoKey> {
  const { kty, crv, x, d } = jwk
  return crypto.subtle.importKey('jwk', { kty, crv, x, d }, 'Ed25519', false, ['sign'])
}

/** Ed25519 public key from a JWK; the `d` member, if any, is dropped. */
export function importPublicKey(jwk: JsonWebKey): Promise<CryptoKey> {
  const { kty, crv, x } = jwk
  return crypto.subtle.importKey('jwk', { kty, crv, x }, 'Ed25519', false, ['verify'])
}

const utf8 = new TextEncoder()

/** §3.3.6: "the signature base is signed with Ed25519 with no pre-hashing". */
export async function signBase(base: string, key: CryptoKey): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.sign('Ed25519', key, utf8.encode(base)))
}

export async function verifyBase(base: string, sig: Uint8Array, key: CryptoKey): Promise<boolean> {
  return crypto.subtle.verify('Ed25519', key, sig, utf8.encode(base))
}

/** §4.1 / §4.2: the two field values for one signature under `label`. */
export function signatureFields(
  label: string,
  paramsValue: string,
  signature: Uint8Array
): { signatureInput: string; signature: string } {
  return {
    signatureInput: `${label}=${paramsValue}`,
    signature: `${label}=:${base64Encode(signature)}:`,
  }
}

export interface ParsedSignatureInput {
  readonly components: Component[]
  readonly params: Partial<SignatureParams>
  /** The exact serialisation received, used verbatim as `@signature-params` (§3.2 step 5). */
  readonly paramsValue: string
}

/**
 * The member `label` of a `Signature-Input` Dictionary. A small parser for the shape this
 * profile emits and reads (an Inner List of strings with an optional `;req`, then parameters
 * with integer or string values); anything else is refused (undefined).
 */
export function parseSignatureInput(
  field: string,
  label: string
): ParsedSignatureInput | undefined {
  const member = dictionaryMember(field, label)
  if (!member) return undefined
  const m = /^\(([^)]*)\)((?:;[a-z*][a-z0-9_.*-]*=(?:\d+|"[^"\\]*"))*)$/.exec(member)
  if (!m) return undefined
  const components: Component[] = []
  const items = m[1].trim() === '' ? [] : m[1].trim().split(/ +/)
  for (const item of items) {
    const c = /^"([a-z0-9@_.-]+)"(;req)?$/.exec(item)
    if (!c) return undefined
    components.push(c[2] ? { name: c[1], req: true } : { name: c[1] })
  }
  const params: Record<string, string | number> = {}
  for (const p of m[2].matchAll(/;([a-z*][a-z0-9_.*-]*)=(\d+|"[^"\\]*")/g)) {
    params[p[1]] = p[2].startsWith('"') ? p[2].slice(1, -1) : Number(p[2])
  }
  const str = (k: string) => (typeof params[k] === 'string' ? (params[k] as string) : undefined)
  const num = (k: string) => (typeof params[k] === 'number' ? (params[k] as number) : undefined)
  return {
    components,
    params: {
      created: num('created'),
      expires: num('expires'),
      keyid: str('keyid'),
      alg: str('alg'),
      tag: str('tag'),
    },
    paramsValue: member,
  }
}

/** The Byte Sequence member `label` of a `Signature` Dictionary. */
export function parseSignature(field: string, label: string): Uint8Array | undefined {
  const member = dictionaryMember(field, label)
  const m = member && /^:([A-Za-z0-9+/=]+):$/.exec(member)
  if (!m) return undefined
  try {
    return base64Decode(m[1])
  } catch {
    return undefined
  }
}

/** RFC 8941 §3.2: split a Dictionary at top-level commas (outside strings and inner lists). */
function dictionaryMember(field: string, label: string): string | undefined {
  let depth = 0
  let inString = false
  let start = 0
  const members: string[] = []
  for (let i = 0; i < field.length; i++) {
    const ch = field[i]
    if (inString) {
      if (ch === '\\') i++
      else if (ch === '"') inString = false
    } else if (ch === '"') inString = true
    else if (ch === '(') depth++
    else if (ch === ')') depth--
    else if (ch === ',' && depth === 0) {
      members.push(field.slice(start, i))
      start = i + 1
    }
  }
  members.push(field.slice(start))
  for (const raw of members) {
    const m = raw.trim()
    const eq = m.indexOf('=')
    if (eq > 0 && m.slice(0, eq) === label) return m.slice(eq + 1)
  }
  return undefined
}
