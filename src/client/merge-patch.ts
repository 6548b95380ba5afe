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
 * Applied with structural sharing, never in place: a body already handed to the application
 * (the previous `follow()` update) must not change under it. Only the objects along the paths
 * the patch touches are copied (shallowly); every untouched subtree is shared with the previous
 * body, so a patch changing one cell of a 1,000-row cost map copies the `cost-map` object (1,000
 * references) and one row, not the whole map.
 */

type JsonObject = Record<string, unknown>

const isObject = (v: unknown): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** Sets `name` as an own data member: a member named `__proto__` is data, not the prototype. */
function setMember(o: JsonObject, name: string, value: unknown): void {
  Object.defineProperty(o, name, { value, writable: true, enumerable: true, configurable: true })
}

/**
 * MergePatch(target, patch) without modifying `target`: the result shares every subtree the
 * patch does not touch with `target` (treat both as immutable). A non-object patch is returned
 * as is.
 */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch
  const base = isObject(target) ? target : undefined
  // Spread copies own enumerable members as data (an own `__proto__` member stays a member).
  const out: JsonObject = base ? { ...base } : {}
  for (const name of Object.keys(patch)) {
    const value = patch[name]
    if (value === null) delete out[name]
    else
      setMember(
        out,
        name,
        mergePatch(base && Object.hasOwn(base, name) ? base[name] : undefined, value)
      )
  }
  return out
}

/** Number of leaf values a merge patch sets or removes. */
export function countPatchLeaves(patch: unknown): number {
  if (!isObject(patch)) return 1
  let n = 0
  for (const v of Object.values(patch)) n += countPatchLeaves(v)
  return n
}
