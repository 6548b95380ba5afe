/**
 * @module Option value parsers for commander (the CLI and scripts/start.ts): each refuses a bad
 * value while the command line is parsed, before any work starts.
 */
import { InvalidArgumentError } from 'commander'

/** An integer ≥ 1 (`--keep`, `--count`, `--updates-window`). */
export function positiveInt(raw: string): number {
  const n = /^\d+$/.test(raw) ? Number(raw) : NaN
  if (!Number.isSafeInteger(n) || n < 1)
    throw new InvalidArgumentError('It must be a positive integer.')
  return n
}

/** A TCP port, 1–65535. */
export function port(raw: string): number {
  const n = /^\d+$/.test(raw) ? Number(raw) : NaN
  if (!Number.isInteger(n) || n < 1 || n > 65535)
    throw new InvalidArgumentError('It must be a port number (1-65535).')
  return n
}

/** An absolute http(s) URL (`watch <server-url>`, `--notify`). */
export function httpUrl(raw: string): string {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new InvalidArgumentError('It must be an http:// or https:// URL.')
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidArgumentError('It must be an http:// or https:// URL.')
  }
  return raw
}
