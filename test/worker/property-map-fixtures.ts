/**
 * The RFC 9240 §10 example map set (Tables 3–7) and the §6.1.3 inheritance example (Tables 1–2)
 * as alto-edge sources. The RFC's resource ids are kept: `default-network-map`,
 * `alt-network-map`; the property maps are `inet-ia` (§10.3 "ia-property-map": ISP and ASN),
 * `inet-iacs` (ISP, ASN, countrycode, state), `region` (the PID domains) and `table1`.
 * The RFC's Table 6 writes `pid:pid1`; the domain is `default-network-map.pid` (§10.8).
 */
export const RFC9240_FILES: Record<string, string> = {
  'alto-edge.json': JSON.stringify({
    'default-network-map': 'default-network-map',
    'network-maps': [{ file: 'default-network-map.json' }, { file: 'alt-network-map.json' }],
    'property-maps': [
      { file: 'inet-ia.json' },
      { file: 'inet-iacs.json' },
      { file: 'region.json' },
      { file: 'table1.json' },
    ],
  }),
  // §10.1 Table 3
  'default-network-map.json': JSON.stringify({
    'resource-id': 'default-network-map',
    pids: {
      defaultpid: { ipv4: ['0.0.0.0/0'], ipv6: ['::/0'] },
      pid1: { ipv4: ['192.0.2.0/25'] },
      pid2: { ipv4: ['192.0.2.0/27'] },
      pid3: { ipv4: ['192.0.3.0/28'] },
      pid4: { ipv4: ['192.0.3.16/28'] },
    },
  }),
  // §10.1 Table 4
  'alt-network-map.json': JSON.stringify({
    'resource-id': 'alt-network-map',
    pids: {
      defaultpid: { ipv4: ['0.0.0.0/0'], ipv6: ['::/0'] },
      pid1: { ipv4: ['192.0.2.0/27'] },
      pid2: { ipv4: ['192.0.3.0/27'] },
    },
  }),
  // §10.2 Table 5, ISP and ASN only (§10.3: the "ia" map)
  'inet-ia.json': JSON.stringify({
    'resource-id': 'inet-ia',
    prefixes: {
      '192.0.2.0/23': { '.ISP': 'BitsRus' },
      '192.0.2.0/28': { '.ASN': '65543' },
      '192.0.2.16/28': { '.ASN': '65543' },
      '192.0.3.0/28': { '.ASN': '65544' },
      '192.0.3.16/28': { '.ASN': '65544' },
    },
  }),
  // §10.2 Table 5 (half of it from CSV: prefix,property,value)
  'inet-iacs.json': JSON.stringify({
    'resource-id': 'inet-iacs',
    prefixes: {
      '192.0.2.0/23': { '.ISP': 'BitsRus', '.countrycode': 'us' },
      '192.0.2.0/28': { '.ASN': '65543', '.state': 'NJ' },
      '192.0.2.16/28': { '.ASN': '65543', '.state': 'CT' },
      '192.0.2.1': { '.state': 'PA' },
    },
    'prefix-csv': ['inet-iacs.csv'],
  }),
  'inet-iacs.csv':
    'prefix,property,value\n# §10.2 Table 5, 192.0.3.0/24\n192.0.3.0/28,.ASN,65544\n192.0.3.0/28,.state,TX\n192.0.3.16/28,.ASN,65544\n192.0.3.16/28,.state,MN\n',
  // §10.2 Tables 6 and 7
  'region.json': JSON.stringify({
    'resource-id': 'region',
    pids: {
      'default-network-map': {
        pid1: { '.region': 'us-west' },
        pid2: { '.region': 'us-east' },
        pid3: { '.region': 'us-south' },
        pid4: { '.region': 'us-north' },
      },
      'alt-network-map': { pid1: { '.ASN': '65543' }, pid2: { '.ASN': '65544' } },
    },
  }),
  // §6.1.3 Table 1
  'table1.json': JSON.stringify({
    'resource-id': 'table1',
    prefixes: {
      '192.0.2.0/26': { P: 'v1' },
      '192.0.2.0/28': { P: 'v2' },
      '192.0.2.0/30': { P: 'v3' },
      '192.0.2.0': { P: 'v4' },
    },
  }),
}
