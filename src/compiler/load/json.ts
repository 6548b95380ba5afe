/**
 * @module JSON and zod plumbing of the loaders: parse a source's JSON with its syntax error's
 * line, validate it against a schema reporting every issue, and read a config-referenced JSON
 * file (missing: an error, or a notice for an optional entry).
 */
import type { z } from 'zod'
import { jsonStructureProblem } from '../../alto/request-schemas.ts'
import { Diagnostics, joinPath, type Origin } from '../source-error.ts'
import type { SourceFiles } from './model.ts'

/**
 * Deepest nesting accepted in a source file. The formats nest at most five levels
 * (docs/source-format.md); RFC 8259 §9: "An implementation may set limits on the maximum depth of
 * nesting."
 */
export const MAX_SOURCE_JSON_DEPTH = 64

/**
 * Parses JSON, reporting a syntax error with its line when the engine gives one. Duplicate member
 * names (RFC 8259 §4: "the behavior of software that receives such an object is unpredictable"
 * — JSON.parse would silently keep the last) and nesting deeper than
 * {@link MAX_SOURCE_JSON_DEPTH} are errors too, found in one pass that uses no call stack.
 */
export function parseJson(diag: Diagnostics, file: string, text: string): unknown {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e)
    const line = /line (\d+)/.exec(message)
    const at: Origin = { file, path: '' }
    if (line) at.line = Number(line[1])
    diag.error(at, `invalid JSON: ${message.length > 300 ? `${message.slice(0, 300)}…` : message}`)
    return undefined
  }
  const problem = jsonStructureProblem(text, MAX_SOURCE_JSON_DEPTH)
  if (problem) {
    diag.error({ file, path: '' }, `invalid JSON: ${problem}`)
    return undefined
  }
  return value
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let v = data
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined
    v = (v as Record<PropertyKey, unknown>)[seg]
  }
  return v
}

/** Validates `data` against a zod schema; reports every issue (one per unknown key). */
export function checkSchema<T extends z.ZodType>(
  diag: Diagnostics,
  file: string,
  schema: T,
  data: unknown
): z.infer<T> | undefined {
  const result = schema.safeParse(data)
  if (result.success) return result.data
  let onlyUnknownKeys = true
  for (const issue of result.error.issues) {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol')
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        diag.error({ file, path: joinPath([...path, key]) }, 'unknown key', key)
      }
      continue
    }
    onlyUnknownKeys = false
    const value = valueAt(data, issue.path)
    diag.error(
      { file, path: joinPath(path) },
      issue.message,
      value === undefined ? undefined : value
    )
  }
  if (!onlyUnknownKeys) return undefined
  // Unknown keys are reported; keep checking the rest of the file without them, so one typo
  // does not hide the file's other errors.
  const pruned = structuredClone(data)
  for (const issue of result.error.issues) {
    if (issue.code !== 'unrecognized_keys') continue
    const parent = valueAt(pruned, issue.path) as Record<string, unknown>
    for (const key of issue.keys) delete parent[key]
  }
  const retry = schema.safeParse(pruned)
  return retry.success ? retry.data : undefined
}

/** Whether parsed JSON is an object with `key` (tells an imported RFC 7285 response apart). */
export function hasKey(data: unknown, key: string): boolean {
  return data !== null && typeof data === 'object' && key in data
}

/** Reads and parses a JSON source file; a missing file is an error unless optional. */
export function readJson(
  diag: Diagnostics,
  files: SourceFiles,
  file: string,
  referencedAt: Origin,
  optional = false
): unknown {
  const text = files[file]
  if (text === undefined) {
    if (optional) diag.notice(`skipped optional ${file}: file not found`)
    else diag.error(referencedAt, 'file not found', file)
    return undefined
  }
  return parseJson(diag, file, text)
}
