import { describe, expect, it } from 'vitest'
import { compileMapSet, validateMapSet, type SourceError, type SourceFiles } from './index.ts'
import { baseFiles, editJson, json } from './test-fixtures.ts'

async function errorsOf(files: SourceFiles): Promise<SourceError[]> {
  const r = await compileMapSet(files)
  if (r.ok) throw new Error('expected errors, compile succeeded')
  // validateMapSet must agree with compileMapSet.
  expect(validateMapSet(files).errors).toEqual(r.errors)
  // Every error in a JSON file carries the line of its path (asserted in json-lines.test.ts);
  // the rule tests below compare file, path, value and message, so drop those lines here.
  return r.errors.map((e) => {
    if (!e.file.endsWith('.json') || e.message.startsWith('invalid JSON')) return e
    expect(e.line, `${e.file} ${e.path}`).toBeTypeOf('number')
    const { line: _line, ...rest } = e
    return rest
  })
}

describe('compileMapSet: valid input', () => {
  it('compiles the base map set', async () => {
    const r = await compileMapSet(baseFiles())
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(Object.keys(r.build.manifest['network-maps'])).toEqual(['net'])
    expect(r.build.manifest['network-maps'].net['prefix-counts']).toEqual({ ipv4: 3, ipv6: 2 })
    expect(Object.keys(r.build.manifest['cost-maps'])).toEqual(['net-num-routingcost'])
    expect(r.build.manifest.seq).toBe(0)
    expect(r.build.manifest.created).toBe('')
    expect(r.build.manifest.version).toMatch(/^[0-9a-f]{32}$/)
  })
})

describe('compileMapSet: validation rules (file, path, line, value, message)', () => {
  it('rejects unknown keys in native sources, naming each key', async () => {
    const files = editJson(
      editJson(baseFiles(), 'net.json', (d) => {
        d.pid = {}
        d.pids.A.ipv5 = []
      }),
      'alto-edge.json',
      (d) => (d.histroy = { keep: 2 })
    )
    const errors = await errorsOf(files)
    expect(errors).toContainEqual({
      file: 'net.json',
      path: 'pid',
      value: 'pid',
      message: 'unknown key',
    })
    expect(errors).toContainEqual({
      file: 'net.json',
      path: 'pids.A.ipv5',
      value: 'ipv5',
      message: 'unknown key',
    })
    expect(errors).toContainEqual({
      file: 'alto-edge.json',
      path: 'histroy',
      value: 'histroy',
      message: 'unknown key',
    })
  })

  it('rejects invalid PID names (reserved ".", too long)', async () => {
    const long = 'P'.repeat(65)
    const files = editJson(baseFiles(), 'net.json', (d) => {
      d.pids['bad.pid'] = {}
      d.pids[long] = {}
    })
    const errors = await errorsOf(files)
    expect(errors).toContainEqual(
      expect.objectContaining({
        file: 'net.json',
        path: 'pids["bad.pid"]',
        value: 'bad.pid',
        message: expect.stringContaining('[0-9A-Za-z-:@_]'),
      })
    )
    expect(errors).toContainEqual(
      expect.objectContaining({
        file: 'net.json',
        path: `pids.${long}`,
        value: long,
        message: expect.stringContaining('at most 64'),
      })
    )
  })

  it('rejects invalid resource ids and generated ids over 64 characters', async () => {
    const bad = await errorsOf(
      editJson(baseFiles(), 'net.json', (d) => (d['resource-id'] = 'my.map'))
    )
    expect(bad).toContainEqual(
      expect.objectContaining({ file: 'net.json', path: 'resource-id', value: 'my.map' })
    )

    const id = 'n'.repeat(60) // fits 64, but `<id>-filtered` (69) does not
    let files = editJson(baseFiles(), 'net.json', (d) => (d['resource-id'] = id))
    files = editJson(files, 'alto-edge.json', (d) => (d['default-network-map'] = id))
    files = editJson(files, 'cost.json', (d) => {
      d['network-map'] = id
      d['resource-id'] = 'cm'
    })
    const errors = await errorsOf(files)
    const values = errors.map((e) => e.value)
    expect(values).toContain(`${id}-filtered`)
    expect(values).toContain(`${id}-costmap-filtered`)
    expect(values).toContain(`${id}-endpoint-cost`)
    expect(errors.find((e) => e.value === `${id}-filtered`)?.message).toMatch(
      /generated resource id .*-filtered/
    )
  })

  it('reports host bits set, naming the bit', async () => {
    const errors = await errorsOf(
      editJson(baseFiles(), 'net.json', (d) => (d.pids.A.ipv4 = ['10.0.0.1/8']))
    )
    expect(errors).toEqual([
      {
        file: 'net.json',
        path: 'pids.A.ipv4[0]',
        value: '10.0.0.1/8',
        message: expect.stringMatching(/host bits not zero: bit 32 .*did you mean 10\.0\.0\.0\/8/),
      },
    ])
  })

  it('rejects a prefix of the wrong family for its list', async () => {
    const errors = await errorsOf(
      editJson(baseFiles(), 'net.json', (d) => d.pids.A.ipv4.push('2001:db9::/32'))
    )
    expect(errors).toEqual([
      {
        file: 'net.json',
        path: 'pids.A.ipv4[1]',
        value: '2001:db9::/32',
        message: 'IPv6 prefix listed under ipv4',
      },
    ])
  })

  it('rejects an identical prefix in two PIDs, naming both PIDs (textual variants count as identical)', async () => {
    const errors = await errorsOf(
      editJson(baseFiles(), 'net.json', (d) => (d.pids.A.ipv6 = ['2001:DB8:0::/32']))
    )
    expect(errors).toHaveLength(1)
    expect(errors[0].message).toMatch(/prefix 2001:db8::\/32 is in PIDs (A and B|B and A)/)
    expect(errors[0].message).toContain('§11.2.2')
  })

  it('rejects the same prefix twice in one PID', async () => {
    const errors = await errorsOf(
      editJson(baseFiles(), 'net.json', (d) => d.pids.A.ipv4.push('10.0.0.0/8'))
    )
    expect(errors).toEqual([
      expect.objectContaining({
        file: 'net.json',
        path: 'pids.A.ipv4[1]',
        value: '10.0.0.0/8',
        message: expect.stringContaining('listed twice in PID A'),
      }),
    ])
  })

  it('requires a default route for each family the map uses, saying which family', async () => {
    const errors = await errorsOf(editJson(baseFiles(), 'net.json', (d) => (d.pids.D.ipv6 = [])))
    expect(errors).toEqual([
      expect.objectContaining({
        file: 'net.json',
        path: 'resource-id',
        value: 'net',
        message: expect.stringContaining('no IPv6 default route ::/0'),
      }),
    ])
    // A map without IPv6 at all needs no ::/0.
    const v4only = editJson(baseFiles(), 'net.json', (d) => {
      d.pids.D.ipv6 = []
      d.pids.B.ipv6 = []
    })
    expect((await compileMapSet(v4only)).ok).toBe(true)
  })

  it('rejects cost map PIDs that are not in the network map, non-finite and bad ordinal costs', async () => {
    let errors = await errorsOf(
      editJson(baseFiles(), 'cost.json', (d) => {
        d.costs.X = { A: 1 }
        d.costs.A.Y = 2
        d.costs.B.D = 'cheap'
      })
    )
    expect(errors).toContainEqual(
      expect.objectContaining({
        file: 'cost.json',
        path: 'costs.X',
        value: 'X',
        message: 'source PID X is not in network map net',
      })
    )
    expect(errors).toContainEqual(
      expect.objectContaining({
        file: 'cost.json',
        path: 'costs.A.Y',
        value: 'Y',
        message: 'destination PID Y is not in network map net',
      })
    )
    expect(errors).toContainEqual({
      file: 'cost.json',
      path: 'costs.B.D',
      value: 'cheap',
      message: 'cost must be a finite number',
    })

    // JSON.parse turns 1e999 into Infinity.
    const inf = baseFiles()
    inf['cost.json'] = inf['cost.json'].replace('"D": 3', '"D": 1e999')
    errors = await errorsOf(inf)
    expect(errors).toEqual([
      {
        file: 'cost.json',
        path: 'costs.A.D',
        value: 'Infinity',
        message: 'cost must be a finite number',
      },
    ])

    errors = await errorsOf(
      editJson(baseFiles(), 'cost.json', (d) => {
        d['cost-type']['cost-mode'] = 'ordinal'
        d.costs.A.A = -1
        d.costs.A.B = 1.5
        d.costs.A.D = 0 // non-negative: 0 is a valid ordinal (RFC 7285 §6.1.2.2)
      })
    )
    expect(errors.map((e) => [e.path, e.value])).toEqual([
      ['costs.A.A', '-1'],
      ['costs.A.B', '1.5'],
    ])
    expect(errors[0].message).toContain('non-negative integer')
  })

  it('checks cost mode and cost metric syntax', async () => {
    const errors = await errorsOf(
      editJson(baseFiles(), 'cost.json', (d) => {
        d['cost-type'] = { 'cost-mode': 'array', 'cost-metric': 'priv:' }
      })
    )
    expect(errors).toContainEqual(
      expect.objectContaining({
        path: 'cost-type.cost-mode',
        value: 'array',
        message: expect.stringContaining('"numerical" or "ordinal"'),
      })
    )
    expect(errors).toContainEqual(
      expect.objectContaining({
        path: 'cost-type.cost-metric',
        value: 'priv:',
        message: expect.stringContaining('needs a suffix'),
      })
    )
    const long = await errorsOf(
      editJson(baseFiles(), 'cost.json', (d) => (d['cost-type']['cost-metric'] = 'm'.repeat(33)))
    )
    expect(long[0].message).toContain('at most 32')
    const dot = await errorsOf(
      editJson(baseFiles(), 'cost.json', (d) => (d['cost-type']['cost-metric'] = 'hop.count'))
    )
    expect(dot[0]).toMatchObject({ path: 'cost-type.cost-metric', value: 'hop.count' })
  })

  it('checks endpoint property names (RFC 7285 §10.8.2)', async () => {
    for (const [name, text] of [
      ['priv:', 'needs a suffix'],
      ['region', 'must be registered'],
      ['priv:has.dot', 'may only contain'],
      [`priv:${'x'.repeat(28)}`, 'at most 32'],
    ]) {
      const errors = await errorsOf(editJson(baseFiles(), 'prop.json', (d) => (d.property = name)))
      expect(errors).toEqual([
        {
          file: 'prop.json',
          path: 'property',
          value: name,
          message: expect.stringContaining(text),
        },
      ])
    }
  })

  it('rejects two cost maps with the same (network map, cost type)', async () => {
    const files = editJson(
      { ...baseFiles(), 'cost2.json': baseFiles()['cost.json'] },
      'alto-edge.json',
      (d) => d['cost-maps'].push({ file: 'cost2.json', 'resource-id': 'other' })
    )
    const errors = await errorsOf(files)
    expect(errors).toHaveLength(1)
    expect(errors[0].message).toMatch(
      /net-num-routingcost \(cost\.json\) and other \(cost2\.json\) both have cost type num-routingcost over network map net/
    )
  })

  it('rejects more than 32,767 PIDs', async () => {
    const errors = await errorsOf(
      editJson(baseFiles(), 'net.json', (d) => {
        for (let i = 0; i < 32_765; i++) d.pids[`P${i}`] = {}
      })
    )
    expect(errors).toContainEqual(
      expect.objectContaining({
        file: 'net.json',
        message: 'network map net has 32768 PIDs; at most 32767 are supported',
      })
    )
  })

  it('reports a missing file, and only notes a missing optional one', async () => {
    const files = editJson(baseFiles(), 'alto-edge.json', (d) => {
      d['network-maps'].push({ file: 'gone.json' }, { file: 'maybe/later.json', optional: true })
    })
    const errors = await errorsOf(files)
    expect(errors).toEqual([
      {
        file: 'alto-edge.json',
        path: 'network-maps[1].file',
        value: 'gone.json',
        message: 'file not found',
      },
    ])
    const optionalOnly = editJson(baseFiles(), 'alto-edge.json', (d) =>
      d['network-maps'].push({ file: 'maybe/later.json', optional: true })
    )
    const r = await compileMapSet(optionalOnly)
    expect(r.ok).toBe(true)
    expect(r.notices).toEqual(['skipped optional maybe/later.json: file not found'])
  })

  it('reports CSV problems with their line numbers', async () => {
    let files = editJson(baseFiles(), 'net.json', (d) => (d['prefix-csv'] = ['net.csv']))
    files['net.csv'] = [
      'pid,prefix',
      '# comment',
      'C,192.0.2.0/24',
      '',
      'C,192.0.2.1/24',
      'C',
      'bad.name,198.51.100.0/24',
      'B,10.0.0.0/8',
    ].join('\n')
    files = editJson(files, 'cost.json', (d) => (d['cost-csv'] = ['costs.csv']))
    files['costs.csv'] = 'src,dst,cost\nC,A,4\nA,C,x\nA,Q,1\n'
    const errors = await errorsOf(files)
    expect(errors).toContainEqual({
      file: 'net.csv',
      path: 'prefix',
      line: 5,
      value: '192.0.2.1/24',
      message: expect.stringContaining('host bits not zero'),
    })
    expect(errors).toContainEqual({
      file: 'net.csv',
      path: '',
      line: 6,
      value: 'C',
      message: 'expected 2 comma-separated fields (pid,prefix)',
    })
    expect(errors).toContainEqual(
      expect.objectContaining({ file: 'net.csv', path: 'pid', line: 7, value: 'bad.name' })
    )
    expect(errors).toContainEqual(
      expect.objectContaining({
        file: 'net.csv',
        path: 'prefix',
        line: 8,
        value: '10.0.0.0/8',
        message: expect.stringContaining('PIDs A and B'),
      })
    )
    // The network map has errors, yet its cost map is still checked against its PIDs.
    expect(errors).toContainEqual({
      file: 'costs.csv',
      path: 'cost',
      line: 3,
      value: 'x',
      message: 'cost must be a finite number',
    })
    expect(errors).toContainEqual(
      expect.objectContaining({ file: 'costs.csv', path: 'dst', line: 4, value: 'Q' })
    )
  })

  it('reports CSV cost problems with line numbers', async () => {
    let files = editJson(baseFiles(), 'cost.json', (d) => (d['cost-csv'] = ['costs.csv']))
    files['costs.csv'] = 'src,dst,cost\nD,A,4\nA,D,x\nA,Q,1\r\nB,A,3\n'
    files = { ...files }
    const errors = await errorsOf(files)
    expect(errors).toEqual([
      {
        file: 'costs.csv',
        path: 'cost',
        line: 3,
        value: 'x',
        message: 'cost must be a finite number',
      },
      {
        file: 'costs.csv',
        path: 'dst',
        line: 4,
        value: 'Q',
        message: 'destination PID Q is not in network map net',
      },
      {
        file: 'costs.csv',
        path: 'cost',
        line: 5,
        value: '3',
        message: 'cost B -> A is defined twice',
      },
    ])
  })

  it('a cost CSV read in place (the common lines) compiles like the same costs in JSON', async () => {
    // The JSON costs of baseFiles() plus D's row, as CSV lines of every form the reader meets:
    // in PID order (read in place), out of order, with spaces, CRLF, a decimal, a comment.
    const viaJson = editJson(baseFiles(), 'cost.json', (d) => {
      d.costs.D = { A: 0.5, B: 12, D: 0 }
    })
    let viaCsv = editJson(baseFiles(), 'cost.json', (d) => {
      d.costs = {}
      d['cost-csv'] = ['costs.csv']
    })
    viaCsv = {
      ...viaCsv,
      'costs.csv': [
        'src,dst,cost',
        'A,A,1',
        'A,B,2',
        'A,D,3',
        '# B row, D before A',
        'B,B,1\r',
        ' B , A , 2 ',
        'D,D,0',
        'D,A,0.5',
        'D,B,12',
      ].join('\n'),
    }
    const blobOf = async (files: SourceFiles) => {
      const r = await compileMapSet(files)
      if (!r.ok) throw new Error(JSON.stringify(r.errors))
      const ref = r.build.manifest['cost-maps']['net-num-routingcost'].json
      return new TextDecoder().decode(r.build.blobs.get(ref.sha256))
    }
    const text = await blobOf(viaCsv)
    expect(text).toBe(await blobOf(viaJson))
    expect(JSON.parse(text)['cost-map'].D).toEqual({ A: 0.5, B: 12, D: 0 })
  })

  it('cost CSV lines the in-place reader declines get the generic errors', async () => {
    let files = editJson(baseFiles(), 'cost.json', (d) => {
      d.costs = {}
      d['cost-csv'] = ['costs.csv']
    })
    files = {
      ...files,
      'costs.csv': 'src,dst,cost\nA,A,1\nA,B,007\nA,D,-1\nB,A,1e400\nB,B,1,2\nA,A,1\nQ,A,1\n',
    }
    const errors = await errorsOf(files)
    expect(errors.map((e) => [e.line, e.path, e.value, e.message])).toEqual([
      [3, 'cost', '007', 'cost must be a finite number'],
      [5, 'cost', 'Infinity', 'cost must be a finite number'],
      [6, 'cost', '1,2', 'cost must be a finite number'],
      [7, 'cost', '1', 'cost A -> A is defined twice'],
      [8, 'src', 'Q', 'source PID Q is not in network map net'],
    ])
  })

  it('reports all errors of all files at once', async () => {
    let files = editJson(baseFiles(), 'net.json', (d) => (d.pids.A.ipv4 = ['10.0.0.1/8']))
    files = editJson(files, 'prop.json', (d) => (d.property = 'nope'))
    files = editJson(files, 'alto-edge.json', (d) => (d['default-network-map'] = 'missing'))
    files['broken.json'] = '{\n  "resource-id": "x",\n}'
    files = editJson(files, 'alto-edge.json', (d) =>
      d['network-maps'].push({ file: 'broken.json' })
    )
    files = editJson(files, 'cost.json', (d) => (d.costs.A.A = 'x'))
    const errors = await errorsOf(files)
    expect(errors.map((e) => e.file).sort()).toEqual([
      'alto-edge.json',
      'broken.json',
      'cost.json',
      'net.json',
      'prop.json',
    ])
    expect(errors.find((e) => e.file === 'broken.json')).toMatchObject({
      line: 3,
      message: expect.stringContaining('invalid JSON'),
    })
  })

  it('rejects duplicate resource ids and an undefined default network map', async () => {
    let files = editJson(baseFiles(), 'cost.json', (d) => (d['resource-id'] = 'net'))
    files = editJson(files, 'alto-edge.json', (d) => (d['default-network-map'] = 'nope'))
    const errors = await errorsOf(files)
    expect(errors).toContainEqual(
      expect.objectContaining({
        file: 'cost.json',
        path: 'resource-id',
        value: 'net',
        message: expect.stringContaining('already used'),
      })
    )
    expect(errors).toContainEqual({
      file: 'alto-edge.json',
      path: 'default-network-map',
      value: 'nope',
      message: 'default network map is not defined in this map set',
    })
  })
})

describe('compileMapSet: RFC 7285 JSON import', () => {
  it('ignores unknown keys and the imported vtag; the entry may override the resource id', async () => {
    const files: SourceFiles = {
      'alto-edge.json': json({
        'default-network-map': 'renamed',
        'network-maps': [{ file: 'rfc.json', 'resource-id': 'renamed' }],
      }),
      'rfc.json': json({
        meta: { vtag: { 'resource-id': 'orig', tag: 'initial' }, extra: 1 },
        'network-map': { P: { ipv4: ['0.0.0.0/0'], ipx: ['whatever'] } },
        unknown: true,
      }),
    }
    const r = await compileMapSet(files)
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(Object.keys(r.build.manifest['network-maps'])).toEqual(['renamed'])
    expect(r.build.manifest['network-maps'].renamed.vtag).not.toBe('initial')
    expect(r.notices).toEqual(['rfc.json network-map.P.ipx: unknown address type ignored'])
  })
})
