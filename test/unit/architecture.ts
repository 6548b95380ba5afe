/**
 * @module The layer rules of src/ (README "Architecture", docs/architecture.md), as data, and a
 * checker over the import graph. Used by architecture.test.ts; kept apart so the checker itself
 * is tested on small made-up trees (a rule that cannot fail is no rule).
 */
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'

/** Top-level folders of src/ and the folders of ours each may import (itself always allowed). */
export const LAYERS: Record<string, readonly string[]> = {
  tables: [],
  alto: ['tables'],
  store: ['alto', 'tables'],
  updates: ['store', 'alto', 'tables'],
  compiler: ['updates', 'store', 'alto', 'tables'],
  worker: ['updates', 'store', 'alto', 'tables'],
  client: ['alto', 'tables'],
  cli: ['client', 'compiler', 'updates', 'store', 'alto', 'tables'],
  // Browser code of the operator dashboard, bundled on its own (scripts/build-dashboard.ts) and
  // served as a static asset: the pure SSE parser and merge patch, the media types.
  dashboard: ['updates', 'alto'],
}

/** Platform modules a layer may import: pure layers none, so they run in Node, workerd and browsers. */
export const PLATFORM: Record<string, readonly string[]> = {
  tables: [],
  alto: [],
  store: [],
  updates: [],
  compiler: [],
  client: [],
  worker: ['cloudflare:', 'hono', 'zod'],
  cli: ['node:', 'commander', 'miniflare'],
  dashboard: [],
}
/** Third-party packages every layer may use (the request schemas are zod). */
const ANYWHERE = ['zod']

export interface ImportEdge {
  /** Importing file, relative to the repository root (`src/worker/app.ts`). */
  from: string
  /** The specifier as written. */
  specifier: string
  /** Resolved file for a relative specifier, else undefined. */
  to?: string
  /** 1-based line of the import. */
  line: number
}

const IMPORT =
  /(?<=^|[\s;])(?:import|export)\s(?:type\s)?(?:[\w*\s{},$]*?\sfrom\s)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g

/** Every import/export-from/dynamic import of `text` with its line. */
export function importsOf(file: string, text: string): ImportEdge[] {
  const edges: ImportEdge[] = []
  // Comments are not code: blank them out, keeping line breaks for line numbers.
  const code = text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, (m) => m.replace(/[^\n]/g, ' '))
  for (const m of code.matchAll(IMPORT)) {
    const specifier = m[1] ?? m[2]
    const line = code.slice(0, m.index).split('\n').length
    const to = specifier.startsWith('.')
      ? relative(process.cwd(), resolve(dirname(file), specifier))
      : undefined
    edges.push({ from: file, specifier, to, line })
  }
  return edges
}

/** `src/<layer>/…` → layer; undefined outside src/. */
export const layerOf = (file: string): string | undefined =>
  /^src\/([^/]+)\//.exec(file.replaceAll('\\', '/'))?.[1]

/** Every rule the edges break, as `file:line imports X: reason`. */
export function violations(edges: readonly ImportEdge[]): string[] {
  const out: string[] = []
  for (const e of edges) {
    const from = layerOf(e.from)
    if (!from) continue
    const at = `${e.from}:${e.line} imports ${e.specifier}`
    if (!(from in LAYERS)) {
      out.push(`${at}: src/${from} is not a known layer (add it to LAYERS)`)
      continue
    }
    if (e.to !== undefined) {
      const to = layerOf(e.to)
      if (to === undefined) out.push(`${at}: src/ imports only from src/`)
      else if (to !== from && !LAYERS[from].includes(to)) {
        out.push(`${at}: src/${from} may not import src/${to}`)
      }
      continue
    }
    const allowed = [...PLATFORM[from], ...ANYWHERE]
    const matches = (p: string) =>
      e.specifier === p || e.specifier.startsWith(p.endsWith(':') ? p : `${p}/`)
    if (!allowed.some(matches)) {
      out.push(`${at}: src/${from} may not import ${e.specifier}`)
    }
  }
  return out
}

/** Import cycles between files (each reported once, as a path a → b → … → a). */
export function cycles(edges: readonly ImportEdge[]): string[] {
  const next = new Map<string, string[]>()
  for (const e of edges) {
    if (e.to === undefined) continue
    next.set(e.from, [...(next.get(e.from) ?? []), e.to])
  }
  const found: string[] = []
  const state = new Map<string, 'open' | 'done'>()
  const stack: string[] = []
  const visit = (file: string): void => {
    state.set(file, 'open')
    stack.push(file)
    for (const to of next.get(file) ?? []) {
      if (state.get(to) === 'open') found.push([...stack.slice(stack.indexOf(to)), to].join(' → '))
      else if (!state.has(to)) visit(to)
    }
    stack.pop()
    state.set(file, 'done')
  }
  for (const file of [...next.keys()].sort()) if (!state.has(file)) visit(file)
  return found
}

/** Every .ts file under `dir` except tests and test helpers (they may reach across layers). */
export function sourceFiles(dir: string): string[] {
  const out: string[] = []
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) out.push(...sourceFiles(path))
    else if (
      entry.name.endsWith('.ts') &&
      !entry.name.endsWith('.test.ts') &&
      !entry.name.endsWith('.d.ts') &&
      entry.name !== 'test-helpers.ts' &&
      entry.name !== 'test-fixtures.ts'
    ) {
      out.push(path)
    }
  }
  return out.sort()
}

/** The import graph of src/. */
export function srcImports(root = 'src'): ImportEdge[] {
  return sourceFiles(root).flatMap((file) => importsOf(file, readFileSync(file, 'utf8')))
}

/** Folders whose code must never reach the Worker bundle (operator and client-only code). */
export const NEVER_IN_WORKER = [
  'src/compiler/',
  'src/cli/',
  'src/client/',
  'src/dashboard/',
] as const

/** Inputs of an esbuild metafile that come from a folder the Worker must not contain. */
export function forbiddenBundleInputs(metafile: { inputs: Record<string, unknown> }): string[] {
  return Object.keys(metafile.inputs)
    .map((path) => path.replaceAll('\\', '/'))
    .filter((path) =>
      NEVER_IN_WORKER.some((dir) => path.startsWith(dir) || path.includes(`/${dir}`))
    )
}
