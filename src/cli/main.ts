#!/usr/bin/env node
/**
 * @module The operator CLI, `alto-edge <command>`: commands and options are defined in
 * program.ts (its `--help` is the usage; docs/operator-cli.md), exit codes in exit-codes.ts.
 */
import { resolve } from 'node:path'
import { CommanderError } from 'commander'
import { type Io } from './commands.ts'
import { EXIT_INTERNAL, EXIT_OK, EXIT_USAGE } from './exit-codes.ts'
import { createProgram } from './program.ts'

export * from './exit-codes.ts'
export { PAUSE_MARKER, type Io } from './commands.ts'

const defaultIo: Io = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
}

/** Runs the CLI (`argv` without node and script); returns the exit code. */
export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  let code = EXIT_OK
  const program = createProgram(io, (c) => (code = c))
  try {
    await program.parseAsync(argv, { from: 'user' })
    return code
  } catch (e) {
    // --help and --version "fail" with exit code 0; every parse error is a usage error.
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT_OK : EXIT_USAGE
    throw e
  }
}

/** The process entry (this file or bin/alto-edge.mjs): exit with main's code. */
export function run(argv: string[]): void {
  main(argv).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(
        `internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`
      )
      process.exit(EXIT_INTERNAL)
    }
  )
}

const invokedDirectly =
  process.argv[1] !== undefined &&
  import.meta.url === new URL(`file://${resolve(process.argv[1])}`).href
if (invokedDirectly) run(process.argv.slice(2))
