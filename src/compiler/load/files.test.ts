import { describe, expect, it } from 'vitest'
import { optionalEntryFiles, referencedFiles } from './files.ts'

const config = (v: unknown) => ({ 'alto-edge.json': JSON.stringify(v) })

describe('referencedFiles', () => {
  it('asks for the config first, and for nothing when it is not JSON', () => {
    expect(referencedFiles({})).toEqual(['alto-edge.json'])
    expect(referencedFiles({ 'alto-edge.json': '{' })).toEqual([])
  })

  it('lists every entry of the three lists, in order, that is not read yet', () => {
    const files = config({
      'network-maps': [{ file: 'n/net.json' }, { file: '../out.json' }, { file: 7 }, null],
      'cost-maps': [{ file: './c.json', optional: true }],
      'endpoint-properties': [{ file: 'p.json' }],
      other: [{ file: 'not-a-list-we-read.json' }],
    })
    expect(referencedFiles(files)).toEqual(['n/net.json', 'c.json', 'p.json'])
    expect(referencedFiles({ ...files, 'c.json': '{}' })).toEqual(['n/net.json', 'p.json'])
  })

  it('then the CSV files the JSON sources list, relative to each source', () => {
    const files = {
      ...config({
        'network-maps': [{ file: 'n/net.json' }],
        'endpoint-properties': [{ file: 'p.json' }],
      }),
      'n/net.json': JSON.stringify({ 'prefix-csv': ['a.csv', '../b.csv', '../../x.csv', 3] }),
      'p.json': JSON.stringify({ 'values-csv': ['v.csv'], 'cost-csv': ['c.csv'] }),
    }
    expect(referencedFiles(files)).toEqual(['n/a.csv', 'b.csv', 'c.csv', 'v.csv'])
    expect(referencedFiles({ ...files, 'n/net.json': 'not json' })).toEqual(['c.csv', 'v.csv'])
  })
})

describe('optionalEntryFiles', () => {
  it('names the optional entries of the three lists as referencedFiles names them', () => {
    const text = JSON.stringify({
      'network-maps': [{ file: './gen/net.json', optional: true }, { file: 'kept.json' }],
      'cost-maps': [
        { file: 'gen/../gen/c.json', optional: true },
        { file: '../x.json', optional: true },
      ],
      other: [{ file: 'o.json', optional: true }],
    })
    expect(optionalEntryFiles(text)).toEqual(['gen/net.json', 'gen/c.json'])
    expect(optionalEntryFiles('not json')).toEqual([])
  })
})
