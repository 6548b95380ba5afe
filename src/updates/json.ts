/**
 * @module Small JSON helpers shared by the patch modules. Pure: no Node or Workers imports.
 */

export type JsonPrimitive = string | number | boolean | null
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue }
export type JsonObject = { [key: string]: JsonValue }

/** A plain JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * Sets an own, enumerable member. Plain assignment of `__proto__` would change the prototype
 * instead of creating a member; JSON.parse creates `"__proto__"` as an ordinary member, and so
 * must we.
 */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    })
  } else {
    target[key] = value
  }
}

export const hasOwn = (target: object, key: string): boolean =>
  Object.prototype.hasOwnProperty.call(target, key)

/** Structural equality of two JSON values (member order ignored, array order significant). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false
    return true
  }
  if (Array.isArray(b)) return false
  const ao = a as Record<string, unknown>
  const bo = b as Record<string, unknown>
  let count = 0
  for (const key in ao) {
    if (!hasOwn(ao, key)) continue
    if (!hasOwn(bo, key) || !jsonEqual(ao[key], bo[key])) return false
    count++
  }
  for (const key in bo) if (hasOwn(bo, key)) count--
  return count === 0
}

/**
 * Canonical JSON text: members sorted by key (UTF-16 code unit order, as RFC 8785 JCS), no
 * whitespace, numbers as JSON.stringify writes them. Two structurally equal values give the same
 * bytes, so a client that applied patches can compare its copy with a fresh snapshot byte-wise.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const text = JSON.stringify(value)
    if (text === undefined) throw new TypeError(`not JSON: ${String(value)}`)
    return text
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  const obj = value as Record<string, unknown>
  const keys = Object.keys(obj).sort()
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`
}

/** Deep copy of a JSON value (objects and arrays copied, primitives shared). */
export function cloneJson<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value
  if (Array.isArray(value)) return value.map(cloneJson) as T
  const out: Record<string, unknown> = {}
  const src = value as Record<string, unknown>
  for (const key in src) if (hasOwn(src, key)) setOwn(out, key, cloneJson(src[key]))
  return out as T
}
