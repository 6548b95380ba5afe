import { describe, expect, it } from 'vitest'
import { Diagnostics } from '../source-error.ts'
import {
  declaredResourceId,
  forEachConfigEntry,
  type ConfigEntry,
  type EntrySource,
} from './config-entries.ts'
import type { SourceFiles } from './model.ts'

function run(
  files: SourceFiles,
  entries: (ConfigEntry & { 'resource-id'?: string })[] | undefined
) {
  const diag = new Diagnostics()
  const progress: string[] = []
  const loaded: EntrySource<ConfigEntry>[] = []
  forEachConfigEntry(
    { diag, files, progress: (m) => progress.push(m) },
    'cost-maps',
    entries,
    (s) => loaded.push(s)
  )
  return { diag, progress, loaded }
}

describe('forEachConfigEntry', () => {
  it('hands each found file to the loader, parsed, with the entry and its config path', () => {
    const { diag, progress, loaded } = run({ 'a/x.json': '{"k":1}', 'y.json': '[2]' }, [
      { file: './a/x.json' },
      { file: 'y.json', optional: true },
    ])
    expect(diag.errors).toEqual([])
    expect(diag.notices).toEqual([])
    expect(progress).toEqual(['loading cost map a/x.json', 'loading cost map y.json'])
    expect(loaded.map((s) => [s.file, s.data, s.at])).toEqual([
      ['a/x.json', { k: 1 }, { file: 'alto-edge.json', path: 'cost-maps[0]' }],
      ['y.json', [2], { file: 'alto-edge.json', path: 'cost-maps[1]' }],
    ])
  })

  it('skips an optional entry whose file is missing (--skip-optional) with a notice only', () => {
    const { diag, loaded } = run({ 'b.json': '{}' }, [
      { file: 'gen/a.json', optional: true },
      { file: 'b.json' },
    ])
    expect(diag.errors).toEqual([])
    expect(diag.notices).toEqual(['skipped optional gen/a.json: file not found'])
    expect(loaded.map((s) => s.file)).toEqual(['b.json'])
  })

  it("reports a missing required file once, at the entry's file path in the config", () => {
    const { diag, loaded } = run({}, [{ file: 'a.json' }, { file: 'b.json', optional: false }])
    expect(loaded).toEqual([])
    expect(diag.notices).toEqual([])
    expect(diag.errors).toEqual([
      {
        file: 'alto-edge.json',
        path: 'cost-maps[0].file',
        message: 'file not found',
        value: 'a.json',
      },
      {
        file: 'alto-edge.json',
        path: 'cost-maps[1].file',
        message: 'file not found',
        value: 'b.json',
      },
    ])
  })

  it('reports a path leaving the map set, even for an optional entry, and does not read it', () => {
    const { diag, progress, loaded } = run({ 'x.json': '{}' }, [
      { file: '../x.json', optional: true },
    ])
    expect(loaded).toEqual([])
    expect(progress).toEqual([])
    expect(diag.errors).toEqual([
      {
        file: 'alto-edge.json',
        path: 'cost-maps[0].file',
        message: 'path must be relative and stay inside the map-set directory',
        value: '../x.json',
      },
    ])
  })

  it('reports invalid JSON in the file itself and does not call the loader', () => {
    const { diag, loaded } = run({ 'a.json': '{\n  "k": \n}' }, [{ file: 'a.json' }])
    expect(loaded).toEqual([])
    expect(diag.errors).toHaveLength(1)
    expect(diag.errors[0]).toMatchObject({ file: 'a.json', path: '' })
    expect(diag.errors[0].message).toMatch(/^invalid JSON: /)
  })

  it('does nothing for an absent list', () => {
    const { diag, progress, loaded } = run({}, undefined)
    expect([diag.errors, diag.notices, progress, loaded]).toEqual([[], [], [], []])
  })
})

describe('declaredResourceId', () => {
  const source = (entry: ConfigEntry & { 'resource-id'?: string }) => ({
    entry,
    at: { file: 'alto-edge.json', path: 'network-maps[2]' },
    file: 'n.json',
    data: {},
  })

  it("takes the config entry's resource-id over the file's, pointing at the entry", () => {
    expect(
      declaredResourceId(source({ file: 'n.json', 'resource-id': 'over' }), 'own', 'resource-id')
    ).toEqual({
      id: 'over',
      at: { file: 'alto-edge.json', path: 'network-maps[2].resource-id' },
    })
  })

  it("else takes the file's, pointing into the file", () => {
    expect(declaredResourceId(source({ file: 'n.json' }), 'own', 'meta.vtag.resource-id')).toEqual({
      id: 'own',
      at: { file: 'n.json', path: 'meta.vtag.resource-id' },
    })
    expect(
      declaredResourceId(source({ file: 'n.json' }), undefined, 'resource-id').id
    ).toBeUndefined()
  })
})
