/**
 * @module The baseline lookup structure a competent JSON-in-KV server would build after
 * JSON.parse of an RFC 7285 network map: IPv4 prefixes resolved into sorted, disjoint ranges
 * (Uint32Array of range starts + Int32Array of PID indexes), answered by binary search.
 * Deliberately plain (no direct index); this is the "baseline" side of bench/load.ts.
 */

/** Parses `a.b.c.d/len` the way a quick baseline would (split + Number). */
export function parseIPv4PrefixSimple(text: string): { addr: number; len: number } {
  const [ip, lenText] = text.split('/')
  const [a, b, c, d] = ip.split('.').map(Number)
  return { addr: ((a << 24) | (b << 16) | (c << 8) | d) >>> 0, len: Number(lenText) }
}

export interface RangeTable {
  starts: Uint32Array
  values: Int32Array
}

/**
 * Resolves nested prefixes (value -1 where none matches) by a sweep over prefixes sorted by
 * (start, length): a stack holds the enclosing prefixes; a boundary is emitted where a prefix
 * opens and where one closes.
 */
export function buildRangeTable(
  prefixes: readonly { addr: number; len: number; value: number }[]
): RangeTable {
  const sorted = prefixes
    .map((p) => {
      const start = p.addr >>> 0
      return { start, end: start + 2 ** (32 - p.len) - 1, value: p.value }
    })
    .sort((x, y) => x.start - y.start || y.end - x.end)
  const starts: number[] = [0]
  const values: number[] = [-1]
  const emit = (at: number, value: number) => {
    if (starts[starts.length - 1] === at) {
      values[values.length - 1] = value
      if (values.length > 1 && values[values.length - 2] === value) {
        starts.pop()
        values.pop()
      }
    } else if (values[values.length - 1] !== value) {
      starts.push(at)
      values.push(value)
    }
  }
  const stack: { end: number; value: number }[] = []
  const closeUntil = (pos: number) => {
    while (stack.length > 0 && stack[stack.length - 1].end < pos) {
      const closed = stack.pop()!
      if (closed.end + 1 < 2 ** 32)
        emit(closed.end + 1, stack.length ? stack[stack.length - 1].value : -1)
    }
  }
  for (const p of sorted) {
    closeUntil(p.start)
    emit(p.start, p.value)
    stack.push(p)
  }
  closeUntil(2 ** 32)
  return { starts: Uint32Array.from(starts), values: Int32Array.from(values) }
}

export function lookupRange(t: RangeTable, ip: number): number {
  const { starts, values } = t
  let lo = 0
  let hi = starts.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (starts[mid] <= ip) lo = mid + 1
    else hi = mid
  }
  return values[lo - 1]
}
