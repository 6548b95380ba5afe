/**
 * @module The one reader of the stored records (docs/storage-schema.md): the `current` pointer,
 * `history`, `manifest/<version>` and `updates/<resource-id>`. The Worker, its Durable Objects and
 * the CLI all read through these functions, so every reader checks the same things.
 *
 * A store is anything that returns a key's value as text ({@link StoreReader}): the Worker wraps
 * its KV binding (with an edge-cache TTL for the mutable keys), the CLI wraps wrangler (one bulk
 * read for several keys). A record that is absent is `null`; one that cannot be read, does not
 * parse, or fails its shape check is a {@link StoreError} naming the key — never request data.
 */
import { MANIFEST_FORMAT, CURRENT_KEY, HISTORY_KEY, manifestKey } from './manifest.ts'
import type { CurrentPointer, History, Manifest } from './manifest.ts'
import { checkUpdateLog, updateLogKey, type UpdateLog } from './update-log.ts'

/** What the reader needs of a store. */
export interface StoreReader {
  /**
   * The values of `keys` as text, `null` where a key does not exist, in the order asked. May read
   * them in one call. `cacheTtl` (seconds) lets an edge reader serve a mutable key from its cache.
   */
  texts(keys: readonly string[], opts?: { cacheTtl?: number }): Promise<(string | null)[]>
}

export type StoreProblem = 'unreadable' | 'not-json' | 'corrupt' | 'missing'

/** A stored record that cannot be used. `message` names the key and what is wrong with it. */
export class StoreError extends Error {
  readonly key: string
  readonly problem: StoreProblem
  constructor(key: string, problem: StoreProblem, detail?: string, cause?: unknown) {
    const what = {
      unreadable: 'cannot be read',
      'not-json': 'is not valid JSON',
      corrupt: 'is corrupt',
      missing: 'is missing',
    }[problem]
    super(`${key} ${what}${detail ? ` (${detail})` : ''}`, { cause })
    this.name = 'StoreError'
    this.key = key
    this.problem = problem
  }
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)
const isSeq = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 1
/** Versions are hex (docs/storage-schema.md); anything else cannot be a key suffix we wrote. */
const VERSION = /^[0-9a-z]{1,64}$/

function parseText(key: string, text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    throw new StoreError(key, 'not-json')
  }
}

/** `current`: `{version, seq, manifest}` where `manifest` is `manifest/<version>`. */
export function parsePointer(text: string): CurrentPointer {
  const v = parseText(CURRENT_KEY, text)
  if (!isObject(v) || typeof v.version !== 'string' || !VERSION.test(v.version)) {
    throw new StoreError(CURRENT_KEY, 'corrupt', 'no valid version')
  }
  if (!isSeq(v.seq)) throw new StoreError(CURRENT_KEY, 'corrupt', 'seq is not a positive integer')
  if (v.manifest !== manifestKey(v.version)) {
    throw new StoreError(CURRENT_KEY, 'corrupt', `manifest is not ${manifestKey(v.version)}`)
  }
  return { version: v.version, seq: v.seq, manifest: v.manifest }
}

/** `history`: `{versions: [{version, seq, created}]}`, newest first. */
export function parseHistory(text: string): History {
  const v = parseText(HISTORY_KEY, text)
  const ok =
    isObject(v) &&
    Array.isArray(v.versions) &&
    v.versions.every(
      (e) =>
        isObject(e) &&
        typeof e.version === 'string' &&
        VERSION.test(e.version) &&
        isSeq(e.seq) &&
        typeof e.created === 'string'
    )
  if (!ok) throw new StoreError(HISTORY_KEY, 'corrupt')
  return v as unknown as History
}

/**
 * `manifest/<version>`: the parts every reader relies on are checked (format, version, the
 * resource tables, the IRD blob and a parseable `created`); a manifest failing it is corrupt.
 */
export function parseManifest(text: string, version: string): Manifest {
  const key = manifestKey(version)
  const v = parseText(key, text)
  const ok =
    isObject(v) &&
    v.format === MANIFEST_FORMAT &&
    v.version === version &&
    isSeq(v.seq) &&
    typeof v.created === 'string' &&
    !Number.isNaN(Date.parse(v.created)) &&
    typeof v['default-network-map'] === 'string' &&
    isObject(v['network-maps']) &&
    isObject(v['cost-maps']) &&
    isObject(v.properties) &&
    (v['property-maps'] === undefined || isObject(v['property-maps'])) &&
    isObject(v['cost-types']) &&
    isObject(v.ird) &&
    typeof v['ird-tag'] === 'string' &&
    (v.signatures === undefined || isObject(v.signatures))
  if (!ok) throw new StoreError(key, 'corrupt')
  return v as unknown as Manifest
}

/** An update log, already parsed (KV value or the publish hook's body), shape-checked. */
export function checkedUpdateLog(value: unknown, resourceId: string): UpdateLog {
  const key = updateLogKey(resourceId)
  if (!isObject(value) || value['resource-id'] !== resourceId || !Array.isArray(value.seqs)) {
    throw new StoreError(key, 'corrupt')
  }
  const problems = checkUpdateLog(value as unknown as UpdateLog)
  if (problems.length > 0) throw new StoreError(key, 'corrupt', problems[0])
  return value as unknown as UpdateLog
}

/** `updates/<resourceId>` as text → the log. */
export function parseUpdateLog(text: string, resourceId: string): UpdateLog {
  return checkedUpdateLog(parseText(updateLogKey(resourceId), text), resourceId)
}

/** Reads `keys`, turning a failing read into a {@link StoreError} naming the first key. */
async function read(
  store: StoreReader,
  keys: readonly string[],
  opts?: { cacheTtl?: number }
): Promise<(string | null)[]> {
  try {
    return await store.texts(keys, opts)
  } catch (error) {
    if (error instanceof StoreError) throw error
    const name = error instanceof Error ? error.name : undefined
    throw new StoreError(keys[0], 'unreadable', name, error)
  }
}

/** The `current` pointer; null when nothing has been published. */
export async function readPointer(
  store: StoreReader,
  opts?: { cacheTtl?: number }
): Promise<CurrentPointer | null> {
  const [text] = await read(store, [CURRENT_KEY], opts)
  return text === null ? null : parsePointer(text)
}

/** `current` and `history` in one read (`history` absent = empty). */
export async function readPointerAndHistory(
  store: StoreReader
): Promise<{ current: CurrentPointer | null; history: History }> {
  const [current, history] = await read(store, [CURRENT_KEY, HISTORY_KEY])
  return {
    current: current === null ? null : parsePointer(current),
    history: history === null ? { versions: [] } : parseHistory(history),
  }
}

/** `manifest/<version>`; null when it is not stored. */
export async function readManifest(store: StoreReader, version: string): Promise<Manifest | null> {
  const [text] = await read(store, [manifestKey(version)])
  return text === null ? null : parseManifest(text, version)
}

/** The pointer and the manifest it names; null when nothing is published. */
export async function readCurrentManifest(
  store: StoreReader,
  opts?: { cacheTtl?: number }
): Promise<{ pointer: CurrentPointer; manifest: Manifest } | null> {
  const pointer = await readPointer(store, opts)
  if (pointer === null) return null
  const manifest = await readManifest(store, pointer.version)
  if (manifest === null) throw new StoreError(pointer.manifest, 'missing', 'named by current')
  return { pointer, manifest }
}

/** The update logs of `resourceIds` (null where a resource has none), in one read. */
export async function readUpdateLogs(
  store: StoreReader,
  resourceIds: readonly string[],
  opts?: { cacheTtl?: number }
): Promise<(UpdateLog | null)[]> {
  if (resourceIds.length === 0) return []
  const texts = await read(store, resourceIds.map(updateLogKey), opts)
  return texts.map((text, i) => (text === null ? null : parseUpdateLog(text, resourceIds[i])))
}
