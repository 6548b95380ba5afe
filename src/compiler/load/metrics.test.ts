import { describe, expect, it } from 'vitest'
import { compileMapSet, type SourceError, type SourceFiles } from '../index.ts'
import { baseFiles, editJson, json } from '../test-fixtures.ts'

/** A map set whose cost map has this cost type and these costs (PIDs A, B, D). */
function withCosts(
  costType: Record<string, unknown>,
  costs: Record<string, Record<string, unknown>>,
  resourceId?: string
): SourceFiles {
  return editJson(baseFiles(), 'cost.json', (d) => {
    d['cost-type'] = costType
    d.costs = costs
    if (resourceId !== undefined) d['resource-id'] = resourceId
  })
}
const num = (metric: string, extra: Record<string, unknown> = {}) => ({
  'cost-mode': 'numerical',
  'cost-metric': metric,
  ...extra,
})

async function errorsOf(files: SourceFiles): Promise<SourceError[]> {
  const r = await compileMapSet(files)
  if (r.ok) throw new Error('expected errors, compile succeeded')
  return r.errors
}

/** The 1-based line of the first line of `text` that contains `needle`. */
function lineOf(text: string, needle: string): number {
  const i = text.split('\n').findIndex((l) => l.includes(needle))
  if (i < 0) throw new Error(`${needle} not in text`)
  return i + 1
}

describe('RFC 9439 performance metrics: values checked by unit and range (file:line:path)', () => {
  it('§4.1: a negative one-way delay is a source error at its cell, with its line', async () => {
    const files = withCosts(num('delay-ow'), { A: { A: 120, B: -5 } })
    expect(await errorsOf(files)).toEqual([
      {
        file: 'cost.json',
        path: 'costs.A.B',
        line: lineOf(files['cost.json'], '"B": -5'),
        value: '-5',
        message: 'delay-ow must be non-negative (microseconds, RFC 9439 §4.1)',
      },
    ])
  })

  for (const [metric, section, unit] of [
    ['delay-rt', '4.2', 'microseconds'],
    ['delay-variation', '4.3', 'microseconds'],
    ['lossrate', '4.4', 'percentage of packets lost'],
    ['hopcount', '4.5', 'hops'],
    ['tput', '5.1', 'bytes per second'],
    ['bw-residual', '5.2', 'bytes per second'],
    ['bw-available', '5.3', 'bytes per second'],
  ]) {
    it(`§${section}: ${metric} must be non-negative`, async () => {
      expect(await errorsOf(withCosts(num(metric), { A: { B: -1 } }))).toEqual([
        expect.objectContaining({
          path: 'costs.A.B',
          message: `${metric} must be non-negative (${unit}, RFC 9439 §${section})`,
        }),
      ])
    })
  }

  it('§4.4: a loss rate is a percentage, 0 to 100', async () => {
    const ok = await compileMapSet(withCosts(num('lossrate'), { A: { A: 0, B: 100, D: 0.25 } }))
    expect(ok.ok).toBe(true)
    expect(await errorsOf(withCosts(num('lossrate:p95'), { A: { B: 100.5 } }))).toEqual([
      expect.objectContaining({
        path: 'costs.A.B',
        value: '100.5',
        message: 'lossrate must be at most 100 (percentage of packets lost, RFC 9439 §4.4)',
      }),
    ])
  })

  it('§4.5: a hop count is an integer — also as cur/min/max/median/percentile, not as a mean', async () => {
    expect(await errorsOf(withCosts(num('hopcount'), { A: { B: 2.5 } }))).toEqual([
      expect.objectContaining({
        path: 'costs.A.B',
        message: 'hopcount must be an integer (hops, RFC 9439 §4.5)',
      }),
    ])
    expect(await errorsOf(withCosts(num('hopcount:max'), { A: { B: 2.5 } }))).toEqual([
      expect.objectContaining({ message: 'hopcount:max must be an integer (hops, RFC 9439 §4.5)' }),
    ])
    for (const metric of ['hopcount:mean', 'hopcount:stddev']) {
      expect((await compileMapSet(withCosts(num(metric), { A: { B: 2.5 } }))).ok, metric).toBe(true)
    }
  })

  it('values from cost-csv files are checked the same way, at their CSV line', async () => {
    const files = editJson(withCosts(num('delay-rt:p95'), {}), 'cost.json', (d) => {
      delete d.costs
      d['cost-csv'] = ['delays.csv']
    })
    files['delays.csv'] = 'src,dst,cost\nA,B,1500\nB,A,-20\n'
    expect(await errorsOf(files)).toEqual([
      expect.objectContaining({
        file: 'delays.csv',
        line: 3,
        message: 'delay-rt must be non-negative (microseconds, RFC 9439 §4.2)',
      }),
    ])
  })

  it('ordinal costs are ranks: the metric unit rules do not apply to them', async () => {
    const r = await compileMapSet(
      withCosts({ 'cost-mode': 'ordinal', 'cost-metric': 'lossrate' }, { A: { B: 150 } })
    )
    expect(r.ok).toBe(true)
  })
})

describe('RFC 9439 §3.2 statistical operators', () => {
  it('accepts every operator, the percentile with a fraction included', async () => {
    for (const op of ['cur', 'min', 'max', 'median', 'mean', 'stddev', 'stdvar', 'p0', 'p95']) {
      const r = await compileMapSet(withCosts(num(`delay-ow:${op}`), { A: { B: 10 } }))
      expect(r.ok, op).toBe(true)
    }
    // The generated id net-num-delay-ow:p99.9 would hold a '.', reserved in resource ids
    // (RFC 7285 §10.2): such a cost map names itself.
    const r = await compileMapSet(
      withCosts(num('delay-ow:p99.9'), { A: { B: 10 } }, 'net-delay-ow-p99_9')
    )
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(r.build.manifest['cost-types']['num-delay-ow:p99.9']).toEqual(num('delay-ow:p99.9'))
  })

  it('an unknown operator or a percentile over 100 is an error on cost-type.cost-metric', async () => {
    for (const op of ['avg', 'p101', 'p100.5', 'P95', 'p']) {
      const files = withCosts(num(`delay-ow:${op}`), { A: { B: 10 } }, 'net-delay')
      expect(await errorsOf(files), op).toEqual([
        {
          file: 'cost.json',
          path: 'cost-type.cost-metric',
          line: lineOf(files['cost.json'], '"cost-metric"'),
          value: `delay-ow:${op}`,
          message: `statistical operator "${op}" of delay-ow is not one of cur, min, max, median, mean, stddev, stdvar, p<0..100> (RFC 9439 §3.2)`,
        },
      ])
    }
  })

  it('a "." stays invalid outside a percentile (RFC 7285 §10.6)', async () => {
    const errors = await errorsOf(withCosts(num('priv:a.b'), { A: { B: 1 } }, 'net-priv'))
    expect(errors).toEqual([
      expect.objectContaining({
        path: 'cost-type.cost-metric',
        message: 'cost metric may only contain [0-9A-Za-z-:_] (RFC 7285 §10.6)',
      }),
    ])
  })
})

describe('RFC 9439 §3.1 cost-context', () => {
  const sla = { 'cost-source': 'sla', parameters: { link: 'https://sla.example/contract' } }

  it('is kept and announced in the IRD meta.cost-types and the cost map meta', async () => {
    const r = await compileMapSet(
      withCosts(num('delay-ow', { 'cost-context': sla }), { A: { B: 8000 } })
    )
    expect(r.ok).toBe(true)
    if (!r.ok) return
    const ird = JSON.parse(
      new TextDecoder().decode(r.build.blobs.get(r.build.manifest.ird.sha256)!)
    )
    expect(ird.meta['cost-types']['num-delay-ow']).toEqual(num('delay-ow', { 'cost-context': sla }))
    const cm = r.build.manifest['cost-maps']['net-num-delay-ow']
    const body = JSON.parse(new TextDecoder().decode(r.build.blobs.get(cm.json.sha256)!))
    expect(body.meta['cost-type']).toEqual(num('delay-ow', { 'cost-context': sla }))
  })

  it('an unregistered cost-source is an error at cost-type.cost-context.cost-source', async () => {
    const files = withCosts(num('delay-ow', { 'cost-context': { 'cost-source': 'measurement' } }), {
      A: { B: 1 },
    })
    expect(await errorsOf(files)).toEqual([
      {
        file: 'cost.json',
        path: 'cost-type.cost-context.cost-source',
        line: lineOf(files['cost.json'], '"cost-source"'),
        value: 'measurement',
        message:
          'cost source must be one of nominal, sla, estimation (RFC 9439 §3.1, IANA "ALTO Cost Source Types")',
      },
    ])
  })

  it('§6.3: routingcost with a context must be an estimation', async () => {
    const files = withCosts(num('routingcost', { 'cost-context': { 'cost-source': 'nominal' } }), {
      A: { B: 1 },
    })
    expect(await errorsOf(files)).toEqual([
      expect.objectContaining({
        path: 'cost-type.cost-context.cost-source',
        value: 'nominal',
        message: expect.stringContaining('RFC 9439 §6.3'),
      }),
    ])
    const estimation = withCosts(
      num('routingcost', { 'cost-context': { 'cost-source': 'estimation' } }),
      { A: { B: 1 } }
    )
    expect((await compileMapSet(estimation)).ok).toBe(true)
  })

  it('an unknown member of cost-context is refused (native sources are strict)', async () => {
    const files = withCosts(
      num('delay-ow', { 'cost-context': { 'cost-source': 'sla', sauce: 1 } }),
      { A: { B: 1 } }
    )
    expect(await errorsOf(files)).toEqual([
      expect.objectContaining({ path: 'cost-type.cost-context.sauce', message: 'unknown key' }),
    ])
  })

  it('two cost maps of one cost type name with different contexts are an error', async () => {
    let files = editJson(baseFiles(), 'alto-edge.json', (d) => {
      d['network-maps'].push({ file: 'net2.json' })
      d['cost-maps'] = [{ file: 'a.json' }, { file: 'b.json' }]
    })
    files = {
      ...files,
      'net2.json': json({ 'resource-id': 'net2', pids: { X: { ipv4: ['0.0.0.0/0'] } } }),
      'a.json': json({
        'network-map': 'net',
        'cost-type': num('delay-ow', { 'cost-context': { 'cost-source': 'sla' } }),
        costs: { A: { B: 1 } },
      }),
      'b.json': json({
        'network-map': 'net2',
        'cost-type': num('delay-ow', { 'cost-context': { 'cost-source': 'estimation' } }),
        costs: { X: { X: 1 } },
      }),
    }
    expect(await errorsOf(files)).toEqual([
      expect.objectContaining({
        file: 'b.json',
        value: 'num-delay-ow',
        message: expect.stringContaining('one cost type name has one cost-context (RFC 9439 §3.1)'),
      }),
    ])
  })
})

describe('RFC 8189 §3.6.4: "testable": false on a cost map config entry', () => {
  it('is kept in the manifest and turns the IRD to testable-cost-type-names', async () => {
    let files = editJson(baseFiles(), 'alto-edge.json', (d) => {
      d['cost-maps'] = [{ file: 'cost.json' }, { file: 'bw.json', testable: false }]
    })
    files = {
      ...files,
      'bw.json': json({
        'network-map': 'net',
        'cost-type': num('bw-available'),
        costs: { A: { B: 1.25e9 } },
      }),
    }
    const r = await compileMapSet(files)
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(r.build.manifest['cost-maps']['net-num-bw-available'].testable).toBe(false)
    expect(r.build.manifest['cost-maps']['net-num-routingcost']).not.toHaveProperty('testable')
    const ird = JSON.parse(
      new TextDecoder().decode(r.build.blobs.get(r.build.manifest.ird.sha256)!)
    )
    for (const id of ['net-costmap-filtered', 'net-endpoint-cost']) {
      expect(ird.resources[id].capabilities).toEqual({
        'cost-type-names': ['num-bw-available', 'num-routingcost'],
        'max-cost-types': 2,
        'testable-cost-type-names': ['num-routingcost'],
      })
    }
  })

  it('is refused on a network map entry (strict config)', async () => {
    const files = editJson(baseFiles(), 'alto-edge.json', (d) => {
      d['network-maps'][0].testable = false
    })
    expect(await errorsOf(files)).toEqual([
      expect.objectContaining({ path: 'network-maps[0].testable', message: 'unknown key' }),
    ])
  })
})
