/**
 * @module RFC 7396 JSON Merge Patch (`application/merge-patch+json`): create a minimal patch
 * between two JSON documents, and apply one. Pure: no Node or Workers imports.
 *
 * RFC 7396 §2 defines application as:
 *
 *     define MergePatch(Target, Patch):
 *       if Patch is an Object:
 *         if Target is not an Object:
 *           Target = {} # Ignore the contents and set it to an empty Object
 *         for each Name/Value pair in Patch:
 *           if Value is null:
 *             if Name exists in Target:
 *               remove the Name/Value pair from Target
 *           else:
 *             Target[Name] = MergePatch(Target[Name], Value)
 *         return Target
 *       else:
 *         return Patch
 *
 * Two limits follow, and decide where merge patch fits ALTO (RFC 8895 §3, RFC 9569 "Capabilities"):
 *
 * - A member cannot be *set* to null: `null` in a patch object means "remove". Any null that
 *   would have to appear as an object member of the patch makes the change unrepresentable;
 *   `createMergePatch` throws `MergePatchUnrepresentableError` and the caller must use JSON Patch
 *   (RFC 6902, `json-patch.ts`) or a full replacement. RFC 7285 cost maps and network maps
 *   contain no nulls (costs are numbers or ordinals, absent pairs are simply omitted), so merge
 *   patch always works for them.
 * - Arrays are atomic: a changed array is sent whole. For a network map that means moving one
 *   prefix re-sends the complete `ipv4`/`ipv6` prefix arrays of both PIDs involved (RFC 8895 §9.1
 *   weighs this against JSON Patch, which needs array indexes on the client).
 *
 * Structure sharing: `createMergePatch` returns a patch that may share subtrees with `to`, and
 * `applyMergePatch` returns a result that shares unchanged subtrees with `target` and never
 * mutates its inputs. Treat all of them as immutable (or serialize them).
 */

import { isJsonObject, jsonEqual, setOwn } from './json.ts'

/** `to` holds a null where merge patch would have to write one; see the module comment. */
export class MergePatchUnrepresentableError extends Error {
  /** JSON pointer (RFC 6901) of the member that would have to be set to null. */
  readonly pointer: string
  constructor(pointer: string) {
    super(`merge patch cannot set ${pointer || '(root)'} to null (RFC 7396: null removes a member)`)
    this.name = 'MergePatchUnrepresentableError'
    this.pointer = pointer
  }
}

const escapePointerToken = (token: string): string => token.replace(/~/g, '~0').replace(/\//g, '~1')

/**
 * The minimal merge patch that turns `from` into `to`: `applyMergePatch(from, patch)` is
 * structurally equal to `to`. Only changed members appear; unchanged documents give `{}` when
 * `to` is an object. When `to` is not an object (array, primitive, null) the patch is `to`
 * itself (RFC 7396: a non-object patch replaces the target).
 *
 * Cost: one pass over both documents, O(size); leaves compare with `===` first.
 * @throws MergePatchUnrepresentableError when `to` needs a member set to null.
 */
export function createMergePatch(from: unknown, to: unknown): unknown {
  if (!isJsonObject(to)) return to
  if (!isJsonObject(from)) {
    assertNoNullMembers(to, '')
    return to
  }
  return diffObjects(from, to, '')
}

function diffObjects(
  from: Record<string, unknown>,
  to: Record<string, unknown>,
  pointer: string
): Record<string, unknown> {
  const patch: Record<string, unknown> = {}
  const fromKeys = Object.keys(from)
  let shared = 0
  for (const key of Object.keys(to)) {
    const next = to[key]
    const prev = from[key]
    // Fast path for the common unchanged leaf. Safe without an own-property check: a JSON value
    // is never identical to an inherited member (functions, Object.prototype).
    if (prev === next) {
      shared++
      continue
    }
    if (!Object.hasOwn(from, key)) {
      setOwn(patch, key, emitValue(next, `${pointer}/${escapePointerToken(key)}`))
      continue
    }
    shared++
    if (isJsonObject(prev) && isJsonObject(next)) {
      const sub = diffObjects(prev, next, `${pointer}/${escapePointerToken(key)}`)
      if (!isEmptyObject(sub)) setOwn(patch, key, sub)
      continue
    }
    // Primitives that are not === differ; otherwise compare structurally (arrays, object vs other).
    if (
      typeof next === 'object' &&
      next !== null &&
      typeof prev === 'object' &&
      jsonEqual(prev, next)
    ) {
      continue
    }
    setOwn(patch, key, emitValue(next, `${pointer}/${escapePointerToken(key)}`))
  }
  // Every member of `from` not in `to` is removed with null; skip the scan when none can be missing.
  if (shared < fromKeys.length) {
    for (const key of fromKeys) if (!Object.hasOwn(to, key)) setOwn(patch, key, null)
  }
  return patch
}

/**
 * A value written into a patch object as the member's new value. Applied as
 * MergePatch(<non-object or absent>, value): objects are merged into `{}`, so every null member
 * (at any object depth, not inside arrays) would be dropped; a bare null would remove the member.
 */
function emitValue(value: unknown, pointer: string): unknown {
  if (value === null) throw new MergePatchUnrepresentableError(pointer)
  if (isJsonObject(value)) assertNoNullMembers(value, pointer)
  return value
}

function assertNoNullMembers(obj: Record<string, unknown>, pointer: string): void {
  for (const key of Object.keys(obj)) {
    const value = obj[key]
    const at = `${pointer}/${escapePointerToken(key)}`
    if (value === null) throw new MergePatchUnrepresentableError(at)
    if (isJsonObject(value)) assertNoNullMembers(value, at)
  }
}

function isEmptyObject(obj: Record<string, unknown>): boolean {
  for (const key in obj) if (Object.hasOwn(obj, key)) return false
  return true
}

/**
 * RFC 7396 §2 MergePatch(target, patch), without mutating either argument. The result shares
 * unchanged subtrees with `target` (and values copied from `patch` with `patch`); every object
 * the patch touches is copied, which dominates the cost on wide objects (a 1,000-member cost-map
 * row is copied whole to change one cell). Use `applyMergePatchInPlace` on a document you own.
 */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isJsonObject(patch)) return patch
  const base = isJsonObject(target) ? target : {}
  const result: Record<string, unknown> = {}
  for (const key of Object.keys(base)) setOwn(result, key, base[key])
  mergeMembers(result, patch, applyMergePatch)
  return result
}

/**
 * RFC 7396 §2 MergePatch(target, patch) as the RFC writes it: objects of `target` are modified in
 * place (cost: proportional to the patch, not the document). Returns the new root, which is
 * `target` itself unless the patch replaces the root. `patch` is not modified, but values from it
 * are inserted by reference.
 */
export function applyMergePatchInPlace(target: unknown, patch: unknown): unknown {
  if (!isJsonObject(patch)) return patch
  const result = isJsonObject(target) ? target : {}
  mergeMembers(result, patch, applyMergePatchInPlace)
  return result
}

function mergeMembers(
  result: Record<string, unknown>,
  patch: Record<string, unknown>,
  recurse: (target: unknown, patch: unknown) => unknown
): void {
  for (const key of Object.keys(patch)) {
    const value = patch[key]
    if (value === null) {
      delete result[key]
    } else {
      setOwn(result, key, recurse(Object.hasOwn(result, key) ? result[key] : undefined, value))
    }
  }
}

/** True when `createMergePatch(from, to)` would succeed (no null has to be written). */
export function isMergePatchRepresentable(from: unknown, to: unknown): boolean {
  try {
    createMergePatch(from, to)
    return true
  } catch (err) {
    if (err instanceof MergePatchUnrepresentableError) return false
    throw err
  }
}
