/**
 * @module The long address lists of a request (`endpoints/srcs`, `endpoints/dsts`, …) read
 * straight from the body's UTF-8 bytes: each typed address is parsed where it lies, so a
 * 5,000-address request makes no string per address, `JSON.parse` and the structure check see a
 * body of a few dozen bytes, and the response writer copies each key's bytes (address-batch.ts
 * AddressBytes).
 *
 * It is a shortcut, never a second grammar: {@link scanAddressLists} answers only when the body
 * is one it can prove the ordinary path (JSON.parse, jsonStructureProblem, validateRequest, then
 * parseAddressBatch) reads to the same value, and null for anything else, which then takes the
 * ordinary path and gets its errors.
 *
 * - Each list it takes is a non-empty JSON array of at most MAX_LIST_ENTRIES strings, each a
 *   valid typed address (RFC 7285 §10.4.1). The address parsers accept only ASCII letters,
 *   digits, '.' and ':', so such a string has no escape, no control character and no non-ASCII
 *   byte: its JSON value is its bytes. Any other list (an empty one, a number, an escape, an
 *   invalid address) returns null, and the ordinary path reports it.
 * - The rest of the body, with each list taken replaced by `[""]`, is decoded (fatal UTF-8),
 *   parsed by JSON.parse and checked by jsonStructureProblem; any failure returns null. The
 *   rest is valid JSON with a string array where each list was, and each list is a valid string
 *   array, so the whole body is valid JSON, nested as deep, with the same member names: the
 *   ordinary path accepts it too and sees the same value with the lists in place.
 * - The lists are found by a tokenizer that tracks strings (with escapes), nesting and member
 *   names; on a valid JSON text (which the check above establishes) it finds exactly the values
 *   at those member paths. A member name with an escape on the way to a list returns null.
 *
 * validateRequest then runs on the rest's value: `[""]` is a well-formed list, which no rule of
 * any request schema refuses (its one-pass argument), so the issues are those of the whole body.
 */
import {
  asciiText,
  byteAddressBatch,
  parseTypedAddressQuoted,
  type AddressBatch,
} from './address-batch.ts'
import { JSON_CHAR } from './json-text.ts'
import { MAX_JSON_DEPTH, MAX_LIST_ENTRIES } from './limits.ts'
import type * as z from 'zod'
import { jsonStructureProblem, validateRequest } from './request-schemas.ts'

/** A long list by its member path: `[outer]` or `[outer, inner]` (e.g. `endpoints`, `srcs`). */
export type ListPath = readonly [string] | readonly [string, string]

export interface ScannedRequest {
  /** The body's JSON value with each list taken replaced by `[""]`. */
  value: unknown
  /** The batch of each path of the call's `paths`, in that order; undefined: not taken. */
  batches: (AddressBatch | undefined)[]
  /** Each taken list's strings as sent (duplicates kept), made when called. */
  lists: ((() => string[]) | undefined)[]
}

const SPACE = 0x20
const TAB = 0x09
const LF = 0x0a
const CR = 0x0d
const { QUOTE, BACKSLASH, COMMA, OPEN_OBJECT, CLOSE_OBJECT, OPEN_ARRAY, CLOSE_ARRAY } = JSON_CHAR
const PLACEHOLDER = new Uint8Array([OPEN_ARRAY, QUOTE, QUOTE, CLOSE_ARRAY])

const isSpace = (b: number) => b === SPACE || b === LF || b === CR || b === TAB

const encoder = new TextEncoder()

/** Where scanList parses a list before copying it out (MAX_LIST_ENTRIES entries, ~250 KB, once). */
const scratch = {
  start: new Uint32Array(MAX_LIST_ENTRIES),
  end: new Uint32Array(MAX_LIST_ENTRIES),
  family: new Uint8Array(MAX_LIST_ENTRIES),
  words: new Uint32Array(4 * MAX_LIST_ENTRIES),
}

/** The paths' member names as bytes, once per paths array. */
const encodedPaths = new WeakMap<readonly ListPath[], Uint8Array[][]>()

/**
 * The batches of `paths` read from `body`, and the rest of the body's value; or null when the
 * shortcut does not apply (see the module comment) — the caller then reads the body as usual.
 */
export function scanAddressLists(
  body: Uint8Array,
  paths: readonly ListPath[]
): ScannedRequest | null {
  let names = encodedPaths.get(paths)
  if (!names) {
    names = paths.map((p) => p.map((n) => encoder.encode(n)))
    encodedPaths.set(paths, names)
  }
  const n = body.length
  let i = 0
  while (i < n && isSpace(body[i])) i++
  if (i === n || body[i] !== OPEN_OBJECT) return null // not an object, or a BOM: the usual path

  const batches: (AddressBatch | undefined)[] = new Array(paths.length).fill(undefined)
  const lists: ((() => string[]) | undefined)[] = new Array(paths.length).fill(undefined)
  const spans: number[] = [] // start, end of each list taken, in body order
  // Containers: true = object. Only the top two levels' member names matter.
  const open: boolean[] = []
  let expectName = false
  let name1 = -2 // bitmask of paths whose outer name is the current top-level member; -2: none
  let within = 0 // paths whose outer name holds the depth-2 object we are in
  let name2 = 0 // of those, the paths whose inner name is the current depth-2 member
  while (i < n) {
    const b = body[i]
    if (b === QUOTE) {
      const start = i + 1
      let end = body.indexOf(QUOTE, start)
      for (;;) {
        if (end < 0) return null
        let k = end - 1
        while (body[k] === BACKSLASH) k--
        if ((end - 1 - k) % 2 === 0) break
        end = body.indexOf(QUOTE, end + 1)
      }
      if (expectName && open.length <= 2) {
        const depth = open.length
        let mask = 0
        for (let p = 0; p < paths.length; p++) {
          const want = names[p][depth - 1]
          if (want === undefined || (depth === 2 && (within & (1 << p)) === 0)) continue
          if (sameBytes(body, start, end, want)) mask |= 1 << p
        }
        if (mask === 0 && body.subarray(start, end).includes(BACKSLASH)) {
          // An escaped name might still spell a path's name ("\u0073rcs"): not ours to decode.
          for (let p = 0; p < paths.length; p++) if (names[p][depth - 1]) return null
        }
        if (depth === 1) name1 = mask
        else name2 = mask
      }
      expectName = false
      i = end + 1
      continue
    }
    if (b === OPEN_ARRAY) {
      const depth = open.length
      let target = -1
      if (depth === 1 && name1 > 0) target = firstPath(name1, paths, 1)
      else if (depth === 2 && open[1] && name2 > 0) target = firstPath(name2, paths, 2)
      if (target >= 0) {
        const list = scanList(body, i)
        if (list === null) return null
        if (list !== 'empty') {
          if (batches[target] !== undefined) return null // a repeated name: the usual path says so
          batches[target] = list.batch
          lists[target] = list.texts
          spans.push(i, list.end)
          i = list.end
          continue
        }
      }
      open.push(false)
      i++
      continue
    }
    if (b === OPEN_OBJECT) {
      if (open.length === 1) within = name1 > 0 ? name1 : 0
      open.push(true)
      expectName = true
      i++
      continue
    }
    if (b === CLOSE_OBJECT || b === CLOSE_ARRAY) {
      open.pop()
      if (open.length === 1) name2 = within = 0
      i++
      continue
    }
    if (b === COMMA) expectName = open[open.length - 1] === true
    i++
  }
  if (spans.length === 0) return null
  const rest = restWithPlaceholders(body, spans)
  let text: string
  let value: unknown
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(rest)
    value = JSON.parse(text)
  } catch {
    return null
  }
  if (jsonStructureProblem(text, MAX_JSON_DEPTH) !== null) return null
  return { value, batches, lists }
}

/** The first path in `mask` that ends at `depth` (a list there), or -1. */
function firstPath(mask: number, paths: readonly ListPath[], depth: number): number {
  for (let p = 0; p < paths.length; p++) if (mask & (1 << p) && paths[p].length === depth) return p
  return -1
}

/** bytes[start, end) equals `want`. */
function sameBytes(bytes: Uint8Array, start: number, end: number, want: Uint8Array): boolean {
  if (end - start !== want.length) return false
  for (let k = 0; k < want.length; k++) if (bytes[start + k] !== want[k]) return false
  return true
}

/**
 * The array at body[at] (its `[`) as an address batch and the index after its `]`; 'empty' for
 * `[]`; null when it is not a non-empty array of at most MAX_LIST_ENTRIES valid typed addresses.
 */
function scanList(
  body: Uint8Array,
  at: number
): { batch: AddressBatch; end: number; texts: () => string[] } | 'empty' | null {
  const n = body.length
  let i = at + 1
  while (i < n && isSpace(body[i])) i++
  if (body[i] === CLOSE_ARRAY) return 'empty'
  // Parsed into the scratch arrays (the scan is synchronous), then copied out at their size.
  const { start, end, family, words } = scratch
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength)
  let count = 0
  for (;;) {
    if (body[i] !== QUOTE) return null
    const s = i + 1
    if (count === MAX_LIST_ENTRIES) return null // too long: zod's too_big error
    // The parser finds the closing quote: only grammar bytes precede it, so it is not escaped.
    const e = parseTypedAddressQuoted(body, s, family, words, count, view)
    if (e < 0) return null
    start[count] = s
    end[count] = e
    count++
    i = e + 1
    while (i < n && isSpace(body[i])) i++
    if (body[i] === CLOSE_ARRAY) break
    if (body[i] !== COMMA) return null
    i++
    while (i < n && isSpace(body[i])) i++
  }
  const starts = start.slice(0, count)
  const ends = end.slice(0, count)
  const batch = byteAddressBatch(
    body,
    view,
    starts,
    ends,
    family.slice(0, count),
    words.slice(0, 4 * count)
  )
  // byteAddressBatch leaves `starts` and `ends` as they are: every string as sent.
  const texts = () => Array.from(starts, (s, k) => asciiText(body, s, ends[k]))
  return { batch, end: i + 1, texts }
}

/** body with each [spans[2k], spans[2k+1]) replaced by `[""]`. */
function restWithPlaceholders(body: Uint8Array, spans: readonly number[]): Uint8Array {
  let size = body.length
  for (let k = 0; k < spans.length; k += 2) size -= spans[k + 1] - spans[k] - PLACEHOLDER.length
  const rest = new Uint8Array(size)
  let from = 0
  let to = 0
  for (let k = 0; k < spans.length; k += 2) {
    rest.set(body.subarray(from, spans[k]), to)
    to += spans[k] - from
    rest.set(PLACEHOLDER, to)
    to += PLACEHOLDER.length
    from = spans[k + 1]
  }
  rest.set(body.subarray(from), to)
  return rest
}

/**
 * The fast reading of a request with long address lists (worker/http.ts readAltoAddressRequest),
 * or null (take the ordinary path): the validated value with each list taken put back as its
 * strings as sent, made when first read.
 */
export function readAddressLists<T>(
  bytes: Uint8Array,
  schema: z.ZodType<T>,
  paths: readonly ListPath[]
): { request: T; batches: (AddressBatch | undefined)[] } | null {
  const scanned = scanAddressLists(bytes, paths)
  if (!scanned) return null
  const parsed = validateRequest(schema, scanned.value)
  if (!parsed.ok) return null // the ordinary path reports it, exactly as it would have
  const value = parsed.value as Record<string, Record<string, unknown>>
  paths.forEach((path, k) => {
    const make = scanned.lists[k]
    if (!make) return
    const holder = path.length === 1 ? value : value[path[0]]
    const name = path[path.length - 1]
    let texts: string[] | undefined
    Object.defineProperty(holder, name, {
      get: () => (texts ??= make()),
      enumerable: true,
      configurable: true,
    })
  })
  return { request: parsed.value, batches: scanned.batches }
}
