/**
 * @module Source errors: every problem found in a map set names the file, the path inside it
 * (JSON path, or the CSV column), the CSV line when there is one, and the offending value.
 * Validation collects ALL errors instead of stopping at the first.
 */

/** One problem in the map set's sources. */
export interface SourceError {
  /** Path of the file relative to the map-set directory (`alto-edge.json`, `example/x.json`). */
  file: string
  /** Location inside the file: `pids.PID1.ipv4[0]`, `cost-map.PID1.PID2`, or a CSV column. */
  path: string
  /** 1-based line number (CSV lines; JSON syntax errors; the line of the path in a JSON file). */
  line?: number
  /** The offending value, as text. */
  value?: string
  message: string
}

/** Where a value came from (used to point errors at every place involved). */
export interface Origin {
  file: string
  path: string
  line?: number
}

/** Collects errors and notices while a map set is loaded and checked. */
/**
 * Errors kept per map set. A hostile source (a million bad CSV lines) must not turn into a million
 * error objects and lines of output: past this many, one last error says how many were left out.
 */
export const MAX_REPORTED_ERRORS = 1000

export class Diagnostics {
  readonly errors: SourceError[] = []
  readonly notices: string[] = []
  /** Errors found beyond {@link MAX_REPORTED_ERRORS}. */
  private unreported = 0

  error(at: Origin, message: string, value?: unknown): void {
    if (this.errors.length >= MAX_REPORTED_ERRORS) {
      this.unreported++
      const last = this.errors[MAX_REPORTED_ERRORS]
      const summary = `${this.unreported} more errors not reported (at most ${MAX_REPORTED_ERRORS} are)`
      if (last) last.message = summary
      else this.errors.push({ file: at.file, path: '', message: summary })
      return
    }
    const e: SourceError = { file: at.file, path: at.path, message }
    if (at.line !== undefined) e.line = at.line
    if (value !== undefined) e.value = valueText(value)
    this.errors.push(e)
  }

  notice(message: string): void {
    this.notices.push(message)
  }
}

/** Renders a value for an error message: strings as-is, everything else as JSON (truncated). */
export function valueText(value: unknown): string {
  const text = typeof value === 'string' ? value : safeJson(value)
  return text.length > 200 ? `${text.slice(0, 197)}...` : text
}

function safeJson(value: unknown): string {
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value)
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}

const SIMPLE_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/

/**
 * Joins path segments into a readable path: identifier-like keys with `.`, array indices and
 * other keys in brackets: `pids.PID1.ipv4[0]`, `values["192.0.2.0/24"]`.
 */
export function joinPath(segments: readonly (string | number)[]): string {
  let out = ''
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`
    else if (SIMPLE_KEY.test(s)) out += out === '' ? s : `.${s}`
    else out += `[${JSON.stringify(s)}]`
  }
  return out
}

/** Extends a path with more segments. */
export function subPath(base: string, ...segments: (string | number)[]): string {
  const tail = joinPath(segments)
  if (base === '') return tail
  return tail.startsWith('[') ? base + tail : `${base}.${tail}`
}

/** The same place, further down: `at` with `segments` appended to its path. */
export function subPathOrigin(at: Origin, ...segments: (string | number)[]): Origin {
  return { ...at, path: subPath(at.path, ...segments) }
}

/** `file:line path`, for naming another place inside a message ("first at …"). */
export function describeOrigin(o: Origin): string {
  return `${o.file}${o.line !== undefined ? `:${o.line}` : ''}${o.path ? ` ${o.path}` : ''}`
}

/** `file:line path: message (value)` — the one-line form the CLI prints. */
export function formatSourceError(e: SourceError): string {
  const where = e.line !== undefined ? `${e.file}:${e.line}` : e.file
  const path = e.path === '' ? '' : ` ${e.path}`
  const value = e.value !== undefined ? ` (${e.value})` : ''
  return `${where}${path}: ${e.message}${value}`
}
