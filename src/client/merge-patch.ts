/**
 * @module RFC 7396 JSON Merge Patch, applied by a client to the body it holds (TIPS and SSE
 * updates, RFC 9569 / RFC 8895 §3). The client layer may not import src/updates (the server's
 * core, which also creates patches), so application — the only half a client needs — is here:
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
 * The held body is the client's own, so it is patched in place (a cost-map row of 1,000 members
 * is not copied to change one cell); the result is returned because a non-object patch replaces it.
 */

type JsonObject = Record<string, unknown>

const isObject = (v: unknown): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** MergePatch(target, patch), mutating `target` where it is an object. */
export function mergePatchInPlace(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch
  const base: JsonObject = isObject(target) ? target : {}
  for (const name of Object.keys(patch)) {
    const value = patch[name]
    if (value === null) delete base[name]
    else {
      const merged = mergePatchInPlace(Object.hasOwn(base, name) ? base[name] : undefined, value)
      // defineProperty: a member named `__proto__` is data, not the prototype.
      Object.defineProperty(base, name, {
        value: merged,
        writable: true,
        enumerable: true,
        configurable: true,
      })
    }
  }
  return base
}

/** Number of leaf values a merge patch sets or removes. */
export function countPatchLeaves(patch: unknown): number {
  if (!isObject(patch)) return 1
  let n = 0
  for (const v of Object.values(patch)) n += countPatchLeaves(v)
  return n
}
