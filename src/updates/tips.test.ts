import { describe, expect, it } from 'vitest'
import { validateNextEdgeRequest, validateTipsRequest } from './tips.ts'

const uses = new Set(['my-network-map', 'my-routingcost-map'])

describe('validateTipsRequest (RFC 9569 open request)', () => {
  it('accepts the RFC example and a tagged request', () => {
    expect(validateTipsRequest({ 'resource-id': 'my-routingcost-map' }, uses)).toEqual({
      ok: true,
      value: { 'resource-id': 'my-routingcost-map' },
    })
    expect(validateTipsRequest({ 'resource-id': 'my-network-map', tag: 'a10ce8b0' }, uses)).toEqual(
      {
        ok: true,
        value: { 'resource-id': 'my-network-map', tag: 'a10ce8b0' },
      }
    )
  })
  it.each([
    [{}, { code: 'E_MISSING_FIELD', field: 'resource-id' }],
    [
      { 'resource-id': 'my-network-map/#' },
      { code: 'E_INVALID_FIELD_VALUE', field: 'resource-id', value: 'my-network-map/#' },
    ],
    [{ 'resource-id': 7 }, { code: 'E_INVALID_FIELD_TYPE', field: 'resource-id' }],
    [
      { 'resource-id': 'my-network-map', tag: 'has space' },
      { code: 'E_INVALID_FIELD_VALUE', field: 'tag', value: 'has space' },
    ],
    [
      { 'resource-id': 'my-network-map', input: [] },
      { code: 'E_INVALID_FIELD_TYPE', field: 'input' },
    ],
    [[], { code: 'E_SYNTAX', syntaxError: 'request body must be a JSON object' }],
  ])('%j → %j', (body, error) => {
    expect(validateTipsRequest(body, uses)).toEqual({ ok: false, error })
  })
})

describe('validateNextEdgeRequest', () => {
  it('accepts {}, {tag} and the same resource-id; rejects another id or input', () => {
    expect(validateNextEdgeRequest({}, 'my-network-map')).toEqual({
      ok: true,
      value: { 'resource-id': 'my-network-map' },
    })
    expect(validateNextEdgeRequest({ tag: 'x1' }, 'my-network-map')).toMatchObject({
      ok: true,
      value: { tag: 'x1' },
    })
    expect(
      validateNextEdgeRequest({ 'resource-id': 'my-routingcost-map' }, 'my-network-map')
    ).toMatchObject({ ok: false, error: { field: 'resource-id' } })
    expect(validateNextEdgeRequest({ input: {} }, 'my-network-map')).toMatchObject({
      ok: false,
      error: { field: 'input' },
    })
  })
})
