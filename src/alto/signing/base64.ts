// base64 (RFC 4648 §4, Structured Fields Byte Sequences) and base64url (§5, JWK members),
// through atob/btoa so the same code runs in Workers, browsers and Node.

export function base64Encode(bytes: Uint8Array): string {
  let s = ''
  for (const b of bytes) s += String.fromCharCode(b)
  return btoa(s)
}

export function base64Decode(text: string): Uint8Array {
  const s = atob(text)
  const out = new Uint8Array(s.length)
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i)
  return out
}

export function base64UrlEncode(bytes: Uint8Array): string {
  return base64Encode(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

export function base64UrlDecode(text: string): Uint8Array {
  const b = text.replace(/-/g, '+').replace(/_/g, '/')
  return base64Decode(b + '='.repeat((4 - (b.length % 4)) % 4))
}
