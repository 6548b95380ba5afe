/**
 * @module Pure POSIX-style path helpers for files inside a map set (no `node:path`: the
 * compiler also runs in workerd).
 */

/** Normalizes `a/./b/../c` to `a/c`; returns null when the path escapes the map-set root. */
export function normalizePath(path: string): string | null {
  const out: string[] = []
  for (const part of path.replace(/\\/g, '/').split('/')) {
    if (part === '' || part === '.') continue
    if (part === '..') {
      if (out.length === 0) return null
      out.pop()
    } else out.push(part)
  }
  return out.join('/')
}

/** Directory part of a relative path (`a/b.json` → `a`, `b.json` → ``). */
export function dirname(path: string): string {
  const i = path.lastIndexOf('/')
  return i < 0 ? '' : path.slice(0, i)
}

/** Resolves `rel` against the directory `dir` (both relative to the map-set root). */
export function resolveRelative(dir: string, rel: string): string | null {
  if (rel.startsWith('/')) return null
  return normalizePath(dir === '' ? rel : `${dir}/${rel}`)
}
