import { describe, expect, it } from 'vitest'
import { jsonEqual } from './json.ts'
import {
  type StreamState,
  applyControlRequest,
  formatControlEvent,
  formatJsonEvent,
  formatKeepAlive,
  formatSseEvent,
  openStreamState,
  parseSseEventType,
  parseSseStream,
  splitJsonLines,
  sseEventType,
  validateOpenRequest,
} from './sse.ts'
import { mulberry32, randomJson } from './test-helpers.ts'

const ctx = { uses: new Set(['my-network-map', 'my-routingcost-map', 'my-hopcount-map']) }

describe('event framing (RFC 8895 §5)', () => {
  it('event field is media-type[,data-id]', () => {
    expect(sseEventType('application/alto-networkmap+json', '1')).toBe(
      'application/alto-networkmap+json,1'
    )
    expect(sseEventType('application/merge-patch+json', 'routing')).toBe(
      'application/merge-patch+json,routing'
    )
    expect(sseEventType('application/alto-updatestreamcontrol+json')).toBe(
      'application/alto-updatestreamcontrol+json'
    )
    expect(sseEventType('application/alto-costmap+json', 'ecspvsub1.ecsmap')).toBe(
      'application/alto-costmap+json,ecspvsub1.ecsmap'
    )
    expect(parseSseEventType('application/merge-patch+json,hops')).toEqual({
      mediaType: 'application/merge-patch+json',
      dataId: 'hops',
    })
    expect(() => sseEventType('text/x\nevent: y')).toThrow()
    expect(() => sseEventType('a/b', 'bad id')).toThrow()
  })

  it('reproduces the §8.3 control event byte for byte', () => {
    expect(
      formatSseEvent('application/alto-updatestreamcontrol+json', [
        '{"control-uri":',
        '"https://alto.example.com/updates/streams/2718281828459"}',
      ])
    ).toBe(
      'event: application/alto-updatestreamcontrol+json\n' +
        'data: {"control-uri":\n' +
        'data: "https://alto.example.com/updates/streams/2718281828459"}\n\n'
    )
  })

  it('formats update and control events; no id: lines', () => {
    const patch = formatJsonEvent('application/merge-patch+json', 'routing', {
      'cost-map': { PID2: { PID3: 31 } },
    })
    expect(patch).toBe(
      'event: application/merge-patch+json,routing\ndata: {"cost-map":{"PID2":{"PID3":31}}}\n\n'
    )
    expect(formatControlEvent({ stopped: ['hops'] })).toBe(
      'event: application/alto-updatestreamcontrol+json\ndata: {"stopped":["hops"]}\n\n'
    )
    expect(formatControlEvent({ 'control-uri': null })).toContain('data: {"control-uri":null}')
    expect(() => formatControlEvent({ started: [] })).toThrow()
    expect(patch).not.toMatch(/^id:/m)
  })

  it('keep-alive is a comment the parser ignores', () => {
    expect(formatKeepAlive()).toBe(': keep-alive\n\n')
    expect(parseSseStream(formatKeepAlive() + formatJsonEvent('a/b', 's', 1)).events).toEqual([
      { event: 'a/b,s', data: '1' },
    ])
  })

  it('splits long JSON only between tokens, so the joined data parses to the same value', () => {
    const rng = mulberry32(5)
    for (let k = 0; k < 300; k++) {
      const value = { list: Array.from({ length: 20 }, () => randomJson(rng)), s: 'a,b:{"[\n' }
      const json = JSON.stringify(value)
      const lines = splitJsonLines(json, 1 + (k % 40))
      expect(lines.join('')).toBe(json)
      expect(jsonEqual(JSON.parse(lines.join('\n')), value)).toBe(true)
      for (const line of lines) expect(line).not.toMatch(/[\r\n]/)
      const { events } = parseSseStream(formatSseEvent('x/y,s', lines))
      expect(jsonEqual(JSON.parse(events[0].data), value)).toBe(true)
    }
  })

  it('keeps lines near the limit when the JSON has break points', () => {
    const json = JSON.stringify({
      'cost-map': Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`P${i}`, i])),
    })
    const lines = splitJsonLines(json, 100)
    expect(lines.length).toBeGreaterThan(json.length / 120)
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(100 + 12)
  })

  it('removes raw line breaks of pretty-printed JSON outside strings', () => {
    const lines = splitJsonLines(JSON.stringify({ a: 'x\ny', b: [1, 2] }, null, 2), 1000)
    expect(lines).toHaveLength(1)
    expect(JSON.parse(lines[0])).toEqual({ a: 'x\ny', b: [1, 2] })
  })

  it('parses CRLF/CR/LF streams and keeps an incomplete tail', () => {
    const { events, rest } = parseSseStream(
      'event: a/b,1\r\ndata: {"x":\rdata: 1}\n\nevent: c/d\ndata: 2'
    )
    expect(events).toEqual([{ event: 'a/b,1', data: '{"x":\n1}' }])
    expect(rest).toBe('event: c/d\ndata: 2')
  })
})

describe('opening request (RFC 8895 §6.5-§6.6)', () => {
  it('accepts the §8.3 request', () => {
    const body = {
      add: {
        net: { 'resource-id': 'my-network-map', tag: 'a10ce8b059740b0b2e3f8eb1d4785acd42231bfe' },
        routing: { 'resource-id': 'my-routingcost-map' },
        hops: { 'resource-id': 'my-hopcount-map', 'incremental-changes': false },
      },
    }
    expect(validateOpenRequest(body, ctx)).toEqual({ ok: true, value: body })
  })

  it('ignores remove in the opening request', () => {
    expect(
      validateOpenRequest({ add: { s1: { 'resource-id': 'my-network-map' } }, remove: ['x'] }, ctx)
    ).toEqual({
      ok: true,
      value: { add: { s1: { 'resource-id': 'my-network-map' } } },
    })
  })

  it.each([
    [{}, { code: 'E_MISSING_FIELD', field: 'add' }],
    [{ add: {} }, { code: 'E_MISSING_FIELD', field: 'add' }],
    [{ add: [] }, { code: 'E_INVALID_FIELD_TYPE', field: 'add' }],
    [{ add: { s1: {} } }, { code: 'E_MISSING_FIELD', field: 'add/s1/resource-id' }],
    [
      { add: { s1: { 'resource-id': 'nope' } } },
      { code: 'E_INVALID_FIELD_VALUE', field: 'add/s1/resource-id', value: 'nope' },
    ],
    [
      { add: { 'bad id': { 'resource-id': 'my-network-map' } } },
      { code: 'E_INVALID_FIELD_VALUE', field: 'add', value: 'bad id' },
    ],
    [
      { add: { s1: { 'resource-id': 'my-network-map', tag: '' } } },
      { code: 'E_INVALID_FIELD_VALUE', field: 'add/s1/tag', value: '' },
    ],
    [
      { add: { s1: { 'resource-id': 'my-network-map', 'incremental-changes': 'yes' } } },
      { code: 'E_INVALID_FIELD_TYPE', field: 'add/s1/incremental-changes' },
    ],
    [
      { add: { s1: { 'resource-id': 'my-network-map', input: 3 } } },
      { code: 'E_INVALID_FIELD_TYPE', field: 'add/s1/input' },
    ],
  ])('%j → %j', (body, error) => {
    expect(validateOpenRequest(body, ctx)).toEqual({ ok: false, error })
  })
})

describe('stream control (RFC 8895 §7.6, §8.3 walk-through)', () => {
  const opened = (): StreamState => {
    const r = validateOpenRequest(
      {
        add: {
          net: { 'resource-id': 'my-network-map' },
          routing: { 'resource-id': 'my-routingcost-map' },
          hops: { 'resource-id': 'my-hopcount-map' },
        },
      },
      ctx
    )
    if (!r.ok) throw new Error('setup')
    return openStreamState(r.value)
  }

  it('remove ["hops"] → 204 and stopped ["hops"]; then remove [] stops the rest and closes', () => {
    const first = applyControlRequest(opened(), { remove: ['hops'] }, ctx, true)
    expect(first).toMatchObject({ ok: true, status: 204, stopped: ['hops'], close: false })
    if (!first.ok) return
    const second = applyControlRequest(first.state, { remove: [] }, ctx)
    expect(second).toMatchObject({
      ok: true,
      status: 202,
      stopped: ['net', 'routing'],
      close: true,
    })
    if (!second.ok) return
    // a valid request after close → 404
    expect(applyControlRequest(second.state, { remove: ['net'] }, ctx)).toMatchObject({
      ok: false,
      status: 404,
    })
  })

  it('removing an id twice is legal (no-op), an unknown id is not', () => {
    const first = applyControlRequest(opened(), { remove: ['hops'] }, ctx)
    if (!first.ok) throw new Error('setup')
    expect(applyControlRequest(first.state, { remove: ['hops'] }, ctx)).toMatchObject({
      ok: true,
      stopped: [],
    })
    expect(applyControlRequest(first.state, { remove: ['properties'] }, ctx)).toEqual({
      ok: false,
      status: 400,
      error: { code: 'E_INVALID_FIELD_VALUE', field: 'remove', value: '["properties"]' },
    })
  })

  it('adds new substreams, never reuses ids, and rejects add with remove []', () => {
    const state = opened()
    const added = applyControlRequest(
      state,
      { add: { hops2: { 'resource-id': 'my-hopcount-map' } } },
      ctx
    )
    expect(added).toMatchObject({
      ok: true,
      add: { hops2: { 'resource-id': 'my-hopcount-map' } },
      stopped: [],
      close: false,
    })
    if (!added.ok) return
    expect(added.state.active).toEqual(['net', 'routing', 'hops', 'hops2'])
    const stopped = applyControlRequest(added.state, { remove: ['hops2'] }, ctx)
    if (!stopped.ok) throw new Error('setup')
    expect(
      applyControlRequest(
        stopped.state,
        { add: { hops2: { 'resource-id': 'my-hopcount-map' } } },
        ctx
      )
    ).toMatchObject({
      ok: false,
      error: { code: 'E_INVALID_FIELD_VALUE', field: 'add', value: 'hops2' },
    })
    expect(
      applyControlRequest(
        state,
        { add: { x: { 'resource-id': 'my-hopcount-map' } }, remove: [] },
        ctx
      )
    ).toEqual({
      ok: false,
      status: 400,
      error: { code: 'E_INVALID_FIELD_VALUE', field: 'remove', value: '[]' },
    })
    // adding and removing the same id in one request: the remove names an id not added before
    expect(
      applyControlRequest(
        state,
        { add: { y: { 'resource-id': 'my-hopcount-map' } }, remove: ['y'] },
        ctx
      )
    ).toMatchObject({ ok: false, status: 400 })
  })

  it('on error nothing changes (state is a value)', () => {
    const state = opened()
    const snapshot = JSON.stringify(state)
    applyControlRequest(state, { add: { net: { 'resource-id': 'my-network-map' } } }, ctx)
    applyControlRequest(state, { remove: ['zzz'] }, ctx)
    expect(JSON.stringify(state)).toBe(snapshot)
  })
})
