import { describe, expect, it } from 'vitest'
import {
  anePropertyMapJson,
  contentIdDomain,
  multipartContentType,
  pathVectorCapabilities,
  writeMultipartPathVector,
} from './path-vector.ts'

describe('RFC 9275 §7.2.4 / §7.3.4 / §9.2 capabilities', () => {
  it('a network map without cost maps: the PV type only, no max-cost-types (not multi-cost aware, so multi-cost-types is refused)', () => {
    expect(pathVectorCapabilities(false)).toEqual({
      'cost-type-names': ['path-vector'],
      'ane-property-names': ['max-reservable-bandwidth'],
    })
  })
  it('with cost maps: §8.2 "multicost-pv" — the PV type first, then the scalar types, max-cost-types their number; never testable-cost-type-names for the PV type', () => {
    const caps = pathVectorCapabilities(true, ['num-routingcost'])
    expect(caps).toEqual({
      'cost-type-names': ['path-vector', 'num-routingcost'],
      'max-cost-types': 2,
      'ane-property-names': ['max-reservable-bandwidth', 'persistent-entity-id'],
    })
    expect(caps).not.toHaveProperty('testable-cost-type-names')
  })
})

describe('RFC 9275 §6.6 multipart pieces', () => {
  it('Content-ID DOMAIN-NAME is a dot-atom-text (RFC 5322): host names kept, IPv6 literals replaced', () => {
    expect(contentIdDomain('alto.example.com')).toBe('alto.example.com')
    expect(contentIdDomain('127.0.0.1')).toBe('127.0.0.1')
    expect(contentIdDomain('[::1]')).toBe('localhost')
    expect(contentIdDomain('a..b')).toBe('localhost')
  })

  it('Content-Type carries type (mandatory), boundary and start = the PV Content-ID, tspecials quoted (RFC 2045 §5.1)', () => {
    expect(
      multipartContentType({
        boundary: 'b1',
        domain: 'alto.example.com',
        pvPartId: 'costmap',
        pvMediaType: 'application/alto-costmap+json',
      })
    ).toBe(
      'multipart/related; boundary=b1; type="application/alto-costmap+json"; start="<costmap@alto.example.com>"'
    )
  })

  it('property part: one .ane: entry per ANE, only requested properties; {} when not requested (§8.3)', () => {
    const vtag = '{"resource-id":"x.costmap","tag":"t"}'
    const anes = [
      { name: 'L1', maxReservableBandwidth: 5 },
      { name: 'NET1', persistentEntityId: 'ane-props.ane:MEC1' },
    ]
    const bwOnly = { bandwidth: true, persistent: false }
    expect(JSON.parse(anePropertyMapJson([vtag], anes, bwOnly))).toEqual({
      meta: { 'dependent-vtags': [{ 'resource-id': 'x.costmap', tag: 't' }] },
      'property-map': { '.ane:L1': { 'max-reservable-bandwidth': 5 }, '.ane:NET1': {} },
    })
    const none = { bandwidth: false, persistent: false }
    expect(JSON.parse(anePropertyMapJson([vtag], anes, none))['property-map']).toEqual({
      '.ane:L1': {},
      '.ane:NET1': {},
    })
  })

  it("§6.4.2 / §7.2.6: persistent-entity-id shown only when requested; the defining map's vtag follows the PV vtag", () => {
    const anes = [
      { name: 'L1', maxReservableBandwidth: 5 },
      { name: 'NET1', persistentEntityId: 'ane-props.ane:MEC1' },
    ]
    const pm = '{"resource-id":"ane-props","tag":"p"}'
    const both = { bandwidth: true, persistent: true }
    expect(
      JSON.parse(anePropertyMapJson(['{"resource-id":"x.ecs","tag":"t"}', pm], anes, both))
    ).toEqual({
      meta: {
        'dependent-vtags': [
          { 'resource-id': 'x.ecs', tag: 't' },
          { 'resource-id': 'ane-props', tag: 'p' },
        ],
      },
      'property-map': {
        '.ane:L1': { 'max-reservable-bandwidth': 5 },
        '.ane:NET1': { 'persistent-entity-id': 'ane-props.ane:MEC1' },
      },
    })
  })

  it('body: exactly two parts, root first, CRLF line ends and the close delimiter (RFC 2046 §5.1.1)', () => {
    const body = writeMultipartPathVector({
      boundary: 'b1',
      domain: 'h',
      pvPartId: 'ecs',
      pvMediaType: 'application/alto-endpointcost+json',
      pvJson: '{}',
      propJson: anePropertyMapJson(['{}'], [], { bandwidth: false, persistent: false }),
    })
    expect(body).toBe(
      '--b1\r\nContent-ID: <ecs@h>\r\nContent-Type: application/alto-endpointcost+json\r\n\r\n{}\r\n' +
        '--b1\r\nContent-ID: <propmap@h>\r\nContent-Type: application/alto-propmap+json\r\n\r\n' +
        '{"meta":{"dependent-vtags":[{}]},"property-map":{}}\r\n--b1--\r\n'
    )
  })
})
