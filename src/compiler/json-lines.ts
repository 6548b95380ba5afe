/**
 * @module Line numbers for errors inside valid JSON source files. Validation works on parsed
 * values and names a path (`pids.PID1.ipv4[2]`); this module maps such paths back to the line
 * where the value (or, for object members, its key) starts, so an operator can jump to it.
 * It runs only for files that have errors, so a clean build pays nothing.
 */
import { joinPath, type SourceError } from './source-error.ts'

const WS = new Set([0x20, 0x09, 0x0a, 0x0d])

/**
 * Scans valid JSON text and returns, for every value, the 1-based line where it starts, keyed by
 * its path as `joinPath` renders it (members: the line of the key). The root is the empty path.
 * Throws on invalid JSON (callers only pass text that JSON.parse accepted).
 */
export function jsonPathLines(text: string): Map<string, number> {
  const lines = new Map<string, number>()
  const path: (string | number)[] = []
  let i = 0
  let line = 1

  const skipWs = () => {
    while (i < text.length && WS.has(text.charCodeAt(i))) {
      if (text.charCodeAt(i) === 0x0a) line++
      i++
    }
  }
  const readString = (): string => {
    const start = i
    i++ // opening quote
    while (text.charCodeAt(i) !== 0x22) i += text.charCodeAt(i) === 0x5c ? 2 : 1
    i++
    return JSON.parse(text.slice(start, i)) as string
  }
  const expect = (c: string) => {
    if (text[i] !== c) throw new SyntaxError(`expected ${c} at offset ${i}`)
    i++
  }
  const value = (keyLine: number) => {
    skipWs()
    const p = joinPath(path)
    if (!lines.has(p)) lines.set(p, keyLine > 0 ? keyLine : line)
    const c = text[i]
    if (c === '{') {
      i++
      skipWs()
      if (text[i] === '}') return void i++
      for (;;) {
        skipWs()
        const memberLine = line
        const key = readString()
        skipWs()
        expect(':')
        path.push(key)
        value(memberLine)
        path.pop()
        skipWs()
        if (text[i] === ',') i++
        else return expect('}')
      }
    }
    if (c === '[') {
      i++
      skipWs()
      if (text[i] === ']') return void i++
      for (let index = 0; ; index++) {
        path.push(index)
        value(0)
        path.pop()
        skipWs()
        if (text[i] === ',') i++
        else return expect(']')
      }
    }
    if (c === '"') return void readString()
    // number, true, false, null: up to the next delimiter
    while (i < text.length && !WS.has(text.charCodeAt(i)) && !',]}'.includes(text[i])) i++
  }
  value(0)
  return lines
}

/**
 * Fills in `line` for errors in JSON files that have none, from the file's text: the line of
 * the error's path, or of its nearest enclosing value when the path names something absent
 * (a missing key). Errors whose path is not JSON (CSV columns) already carry lines.
 */
export function addJsonLines(errors: SourceError[], files: Readonly<Record<string, string>>): void {
  const cache = new Map<string, Map<string, number> | null>()
  for (const e of errors) {
    // A root error (invalid JSON, too deep, a duplicate key) has no line to find, and its text
    // may be exactly what makes the scan below expensive (100,000 levels deep).
    if (e.line !== undefined || !e.file.endsWith('.json') || e.path === '') continue
    const text = files[e.file]
    if (text === undefined) continue
    let map = cache.get(e.file)
    if (map === undefined) {
      try {
        map = jsonPathLines(text)
      } catch {
        map = null
      }
      cache.set(e.file, map)
    }
    if (!map) continue
    const line = lineOfPath(map, e.path)
    if (line !== undefined) e.line = line
  }
}

/** The line of `path`, or of the closest ancestor path that exists. */
function lineOfPath(map: Map<string, number>, path: string): number | undefined {
  let p = path
  for (;;) {
    const line = map.get(p)
    if (line !== undefined) return line
    if (p === '') return undefined
    p = parentPath(p)
  }
}

/** `a.b[2]` → `a.b`, `a["x.y"]` → `a`, `a` → ``. */
function parentPath(path: string): string {
  if (path.endsWith(']')) {
    // a bracket segment: [n] or ["..."]; find its opening bracket outside a string
    let depth = 0
    for (let k = path.length - 1; k >= 0; k--) {
      const c = path[k]
      if (c === '"') depth ^= 1
      else if (c === '[' && depth === 0) return path.slice(0, k)
    }
    return ''
  }
  const dot = path.lastIndexOf('.')
  const bracket = path.lastIndexOf(']')
  if (dot > bracket) return path.slice(0, dot)
  return bracket >= 0 ? path.slice(0, bracket + 1) : ''
}
