/**
 * The client's multipart/related parser (RFC 2046 §5.1.1, RFC 2387) against an independent one
 * (@remix-run/multipart-parser) on random messages shaped like RFC 9275 §6.6 answers, with CRLF
 * (HTTP) and LF (ALTO/SSE data lines) line breaks.
 */
import { parseMultipart as oracle } from '@remix-run/multipart-parser'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { mediaTypeParameter, parseMultipart, parsePathVectorParts } from './multipart.ts'

const json = fc.json().filter((t) => !t.includes('\n') && !t.includes('\r'))
const part = fc.record({
  id: fc.stringMatching(/^[a-z][a-z0-9.-]{0,20}@[a-z]{1,10}\.test$/),
  type: fc.constantFrom('application/alto-endpointcost+json', 'application/alto-propmap+json'),
  body: fc.array(json, { minLength: 1, maxLength: 3 }).map((lines) => lines.join('\n')),
})

function message(parts: { id: string; type: string; body: string }[], boundary: string): string {
  return (
    parts
      .map((p) => `--${boundary}\nContent-ID: <${p.id}>\nContent-Type: ${p.type}\n\n${p.body}\n`)
      .join('') + `--${boundary}--`
  )
}

describe('parseMultipart (RFC 2046 §5.1.1)', () => {
  it('agrees with @remix-run/multipart-parser on random messages, CRLF and LF alike', () => {
    fc.assert(
      fc.property(
        fc.array(part, { minLength: 1, maxLength: 4 }),
        fc.stringMatching(/^[A-Za-z0-9'()+_,-./:=?]{1,40}$/).filter((b) => !b.endsWith(' ')),
        (parts, boundary) => {
          const lf = message(parts, boundary)
          const crlf = lf.replace(/\n/g, '\r\n')
          const theirs = [...oracle(new TextEncoder().encode(crlf), { boundary })].map((p) => ({
            contentId: p.headers['content-id']!.slice(1, -1),
            contentType: p.headers['content-type']!,
            body: p.text.replace(/\r\n/g, '\n'),
          }))
          expect(parseMultipart(crlf, boundary)).toEqual(theirs)
          expect(parseMultipart(lf, boundary)).toEqual(theirs)
          expect(theirs.map((p) => p.body)).toEqual(parts.map((p) => p.body))
        }
      ),
      { numRuns: 300 }
    )
  })

  it('a preamble, transport padding after a delimiter and an epilogue are ignored', () => {
    const text = `preamble\r\n--b  \r\nContent-ID: <x@h>\r\nContent-Type: a/b\r\n\r\n{}\r\n--b--\r\nepilogue`
    expect(parseMultipart(text, 'b')).toEqual([
      { contentId: 'x@h', contentType: 'a/b', body: '{}' },
    ])
  })

  it('malformed messages are errors naming the problem', () => {
    expect(() => parseMultipart('{}', 'b')).toThrow(/no --b delimiter/)
    expect(() => parseMultipart('--b\nContent-ID: <x>\n\n{}\n', 'b')).toThrow(/closing/)
    expect(() => parseMultipart('--b\nno colon here\n\n{}\n--b--', 'b')).toThrow(/header/)
    expect(() => parseMultipart('--b\nContent-ID: <x>', 'b')).toThrow(/blank line/)
  })
})

describe('mediaTypeParameter (RFC 2045 §5.1)', () => {
  it('token and quoted values, names case-insensitive, absent → undefined', () => {
    const t = 'multipart/related; Boundary="a b;c"; type=application/alto-costmap+json'
    expect(mediaTypeParameter(t, 'boundary')).toBe('a b;c')
    expect(mediaTypeParameter(t, 'TYPE')).toBe('application/alto-costmap+json')
    expect(mediaTypeParameter(t, 'start')).toBeUndefined()
    expect(mediaTypeParameter('multipart/related;boundary=x', 'boundary')).toBe('x')
  })
})

describe('parsePathVectorParts (RFC 9275 §6.6)', () => {
  const PM = 'application/alto-propmap+json'
  const ecs = 'application/alto-endpointcost+json'
  const msg = (parts: [string, string, string][]) =>
    message(
      parts.map(([id, type, body]) => ({ id, type, body })),
      'b'
    )
  const type = (extra = '') => `multipart/related; boundary=b; type=${ecs}${extra}`

  it('root first (or the `start` part), then the property map part', () => {
    const two = msg([
      ['ecs@h', ecs, '{"a":1}'],
      ['propmap@h', PM, '{"b":2}'],
    ])
    expect(parsePathVectorParts(two, type(), PM)).toEqual({
      root: { contentId: 'ecs@h', json: { a: 1 } },
      properties: { contentId: 'propmap@h', json: { b: 2 } },
    })
    const swapped = msg([
      ['propmap@h', PM, '{"b":2}'],
      ['ecs@h', ecs, '{"a":1}'],
    ])
    expect(parsePathVectorParts(swapped, type('; start="<ecs@h>"'), PM).root.contentId).toBe(
      'ecs@h'
    )
  })

  it('an answer to discard is an error naming why', () => {
    const one = msg([['ecs@h', ecs, '{}']])
    expect(() => parsePathVectorParts(one, type(), PM)).toThrow(/1 parts/)
    const notPm = msg([
      ['ecs@h', ecs, '{}'],
      ['x@h', ecs, '{}'],
    ])
    expect(() => parsePathVectorParts(notPm, type(), PM)).toThrow(/second part/)
    const array = msg([
      ['ecs@h', ecs, '[1]'],
      ['propmap@h', PM, '{}'],
    ])
    expect(() => parsePathVectorParts(array, type(), PM)).toThrow(/not a JSON object/)
    expect(() => parsePathVectorParts(array, ecs, PM)).toThrow(/not multipart/)
    expect(() => parsePathVectorParts(array, type('; start="<nope>"'), PM)).toThrow(/start/)
  })
})
