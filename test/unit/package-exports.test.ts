/**
 * The package's `./client` entry (package.json `exports`): `import … from 'alto-edge/client'`
 * resolves, with its types, for TypeScript (this file is type-checked by `tsc --noEmit`) and for
 * Node 22 itself (a separate node process importing the package by name).
 */
import { execFileSync } from 'node:child_process'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { AltoClient, AltoClientError, type ClientFailure } from 'alto-edge/client'

const root = resolve(import.meta.dirname, '../..')

describe("package export 'alto-edge/client'", () => {
  it('resolves for TypeScript with the declared types', () => {
    const failure: ClientFailure = { kind: 'no-resource', reason: 'x' }
    expect(new AltoClientError(failure).failure).toBe(failure)
    expect(typeof AltoClient.discover).toBe('function')
  })

  it('resolves for node by package name', () => {
    const script =
      "import { AltoClient, directoryUri } from 'alto-edge/client'; " +
      "console.log(typeof AltoClient.discover, directoryUri('https://alto.example'))"
    const out = execFileSync(
      resolve(root, 'node_modules/.bin/node'),
      ['--input-type=module', '-e', script],
      { cwd: root, encoding: 'utf8' }
    )
    expect(out.trim()).toBe('function https://alto.example/directory')
  })
})
