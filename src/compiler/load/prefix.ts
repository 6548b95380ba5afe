/**
 * @module Reading one IP prefix from a source (network map PIDs, property keys): syntax, host
 * bits, the family it is listed under, and its canonical text.
 */
import { formatIPv4, formatIPv6, parsePrefix } from '../../tables/index.ts'
import { Diagnostics, type Origin } from '../source-error.ts'
import type { PrefixItem } from './model.ts'

/** Parses one prefix text; reports a syntax/host-bit/family problem and returns undefined. */
export function readPrefix(
  diag: Diagnostics,
  text: unknown,
  at: Origin,
  expectedFamily?: 4 | 6
): PrefixItem | undefined {
  if (typeof text !== 'string') {
    diag.error(at, 'prefix must be a string', text)
    return undefined
  }
  const parsed = parsePrefix(text)
  if (!parsed.ok) {
    diag.error(at, parsed.error, text)
    return undefined
  }
  if (expectedFamily !== undefined && parsed.family !== expectedFamily) {
    diag.error(at, `IPv${parsed.family} prefix listed under ipv${expectedFamily}`, text)
    return undefined
  }
  const address = parsed.family === 4 ? formatIPv4(parsed.words[0]) : formatIPv6(parsed.words)
  return {
    family: parsed.family,
    words: parsed.words,
    len: parsed.len,
    text: `${address}/${parsed.len}`,
    origin: at,
  }
}
