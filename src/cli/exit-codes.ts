/**
 * @module The operator CLI's exit codes: one table, used by the code, the `--help` epilogue and
 * (copied from `--help`) docs/operator-cli.md.
 */
export const EXIT_OK = 0
/** The map set has validation errors (validate, build, diff, publish). */
export const EXIT_VALIDATION = 1
/** Bad command line: unknown command or option, bad option value, missing --local|--remote. */
export const EXIT_USAGE = 2
/** Publish/storage failure: wrangler error, read-back mismatch, rollback target missing, … */
export const EXIT_STORAGE = 3
/** A server could not be reached at all (watch: connection refused, DNS, reset, …). */
export const EXIT_UNREACHABLE = 4
/** `diff --exit-code`: publishing would change something. */
export const EXIT_DIFFERENCES = 5
/** The server answered, but not as expected (watch: HTTP error status, no TIPS/SSE resource). */
export const EXIT_SERVER = 6
/** `verify`: the bundle's signature does not hold (tampered, expired, unknown key, unsigned). */
export const EXIT_BAD_SIGNATURE = 7
/** `verify`: the bundle or the JWK Set cannot be read. */
export const EXIT_UNVERIFIABLE = 8
/** A bug: an unexpected exception (stack trace on stderr). */
export const EXIT_INTERNAL = 70

export const EXIT_CODES: readonly { code: number; meaning: string }[] = [
  { code: EXIT_OK, meaning: 'ok (diff: also when there are differences, unless --exit-code)' },
  { code: EXIT_VALIDATION, meaning: 'the map set has validation errors' },
  { code: EXIT_USAGE, meaning: 'usage error (unknown command or option, bad option value)' },
  { code: EXIT_STORAGE, meaning: 'publish/storage failure (wrangler, read-back, missing version)' },
  { code: EXIT_UNREACHABLE, meaning: 'server unreachable (watch, query)' },
  { code: EXIT_DIFFERENCES, meaning: 'diff --exit-code: publishing would change something' },
  { code: EXIT_SERVER, meaning: 'the server answered with an error (watch, query)' },
  { code: EXIT_BAD_SIGNATURE, meaning: 'verify: the signature does not hold (or none)' },
  { code: EXIT_UNVERIFIABLE, meaning: 'verify: bundle or JWK Set unreadable' },
  { code: EXIT_INTERNAL, meaning: 'internal error (a bug)' },
]

export function exitCodesHelp(): string {
  return [
    'Exit codes:',
    ...EXIT_CODES.map((e) => `  ${String(e.code).padStart(2)}  ${e.meaning}`),
  ].join('\n')
}
