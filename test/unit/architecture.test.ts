/**
 * The layer rules of src/ (README "Architecture"): which folder may import which, no platform
 * modules in the pure layers, and no import cycles between files. Run over the real tree, and
 * over made-up trees to show each rule can fail.
 */
import { readdirSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  cycles,
  importsOf,
  LAYERS,
  srcImports,
  violations,
  type ImportEdge,
} from './architecture.ts'

describe('src/ obeys its layers', () => {
  const edges = srcImports()

  it('reads the import graph (a parser that finds nothing would pass everything)', () => {
    expect(edges.length).toBeGreaterThan(250)
    expect(edges).toContainEqual(
      expect.objectContaining({ from: 'src/worker/app.ts', to: 'src/worker/routes/directory.ts' })
    )
  })

  it('every folder of src/ is a layer with rules', () => {
    const folders = readdirSync('src', { withFileTypes: true }).filter((d) => d.isDirectory())
    expect(folders.map((d) => d.name).filter((name) => !(name in LAYERS))).toEqual([])
  })

  it('no file imports across a layer boundary', () => {
    expect(violations(edges)).toEqual([])
  })

  it('no import cycles between files', () => {
    expect(cycles(edges)).toEqual([])
  })
})

describe('the checker', () => {
  const edge = (from: string, specifier: string, to?: string): ImportEdge => ({
    from,
    specifier,
    to,
    line: 1,
  })

  it('refuses the Worker importing the compiler, and the tables importing anything of ours', () => {
    expect(
      violations([
        edge('src/worker/updates/common.ts', '../../compiler/build.ts', 'src/compiler/build.ts'),
        edge('src/tables/lpm4.ts', '../alto/limits.ts', 'src/alto/limits.ts'),
        edge('src/alto/ird.ts', '../store/manifest.ts', 'src/store/manifest.ts'),
        edge('src/updates/sse.ts', '../compiler/identifiers.ts', 'src/compiler/identifiers.ts'),
        edge('src/compiler/x.ts', '../cli/main.ts', 'src/cli/main.ts'),
        edge('src/cli/main.ts', '../worker/app.ts', 'src/worker/app.ts'),
      ])
    ).toEqual([
      'src/worker/updates/common.ts:1 imports ../../compiler/build.ts: src/worker may not import src/compiler',
      'src/tables/lpm4.ts:1 imports ../alto/limits.ts: src/tables may not import src/alto',
      'src/alto/ird.ts:1 imports ../store/manifest.ts: src/alto may not import src/store',
      'src/updates/sse.ts:1 imports ../compiler/identifiers.ts: src/updates may not import src/compiler',
      'src/compiler/x.ts:1 imports ../cli/main.ts: src/compiler may not import src/cli',
      'src/cli/main.ts:1 imports ../worker/app.ts: src/cli may not import src/worker',
    ])
  })

  it('refuses platform modules in the pure layers and allows them where they belong', () => {
    expect(
      violations([
        edge('src/compiler/load.ts', 'node:fs'),
        edge('src/store/read.ts', 'cloudflare:workers'),
        edge('src/worker/index.ts', 'cloudflare:workers'),
        edge('src/worker/app.ts', 'hono/cors'),
        edge('src/cli/main.ts', 'node:path'),
        edge('src/alto/request-schemas.ts', 'zod'),
      ])
    ).toEqual([
      'src/compiler/load.ts:1 imports node:fs: src/compiler may not import node:fs',
      'src/store/read.ts:1 imports cloudflare:workers: src/store may not import cloudflare:workers',
    ])
  })

  it('finds a cycle through any number of files, once', () => {
    const found = cycles([
      edge('src/a.ts', './b.ts', 'src/b.ts'),
      edge('src/b.ts', './c.ts', 'src/c.ts'),
      edge('src/c.ts', './a.ts', 'src/a.ts'),
      edge('src/c.ts', './d.ts', 'src/d.ts'),
    ])
    expect(found).toEqual(['src/a.ts → src/b.ts → src/c.ts → src/a.ts'])
  })

  it('parses multi-line, type-only, re-export and dynamic imports, and skips comments', () => {
    const text = [
      "import {\n  a,\n  type B,\n} from './a.ts'",
      "import type { C } from '../alto/c.ts'",
      "export { d } from './d.ts'",
      "const e = await import('./e.ts')",
      "// import { f } from './f.ts'",
      "/* import { g } from './g.ts' */",
    ].join('\n')
    const found = importsOf('src/store/x.ts', text).map((e) => [e.specifier, e.to, e.line])
    expect(found).toEqual([
      ['./a.ts', 'src/store/a.ts', 1],
      ['../alto/c.ts', 'src/alto/c.ts', 5],
      ['./d.ts', 'src/store/d.ts', 6],
      ['./e.ts', 'src/store/e.ts', 7],
    ])
  })
})
