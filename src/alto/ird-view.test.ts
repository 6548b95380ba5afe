import { describe, expect, it } from 'vitest'
import { restrictIrd, visibleResourceIds } from './ird-view.ts'
import { type Ird } from './ird.ts'

const NM = 'application/alto-networkmap+json'
const ird: Ird = {
  meta: {
    'default-alto-network-map': 'nm-a',
    'cost-types': { 'num-routingcost': {}, 'num-hopcount': {} },
  },
  resources: {
    'nm-a': { uri: '/networkmap/nm-a', 'media-type': NM },
    'nm-b': { uri: '/networkmap/nm-b', 'media-type': NM },
    'cm-b': {
      uri: '/costmap/cm-b',
      'media-type': 'application/alto-costmap+json',
      capabilities: { 'cost-type-names': ['num-hopcount'] },
      uses: ['nm-b'],
    },
    'endpoint-property': {
      uri: '/endpointprop/lookup',
      'media-type': 'x',
      capabilities: { 'prop-types': ['nm-a.pid', 'nm-b.pid', 'priv:region'] },
    },
    'update-stream': {
      uri: '/updates/stream',
      'media-type': 'text/event-stream',
      capabilities: {
        'incremental-change-media-types': {
          'nm-a': 'application/merge-patch+json',
          'nm-b': 'application/merge-patch+json',
          'cm-b': 'application/merge-patch+json',
        },
      },
      uses: ['nm-a', 'nm-b', 'cm-b'],
    },
  },
}

describe('per-client IRD views', () => {
  it('an update service does not grant the maps it can follow; its uses are cut to the view', () => {
    const visible = visibleResourceIds(ird, ['update-stream', 'nm-a'])
    expect([...visible].sort()).toEqual(['nm-a', 'update-stream'])
    const entry = restrictIrd(ird, visible).resources['update-stream']
    expect(entry.uses).toEqual(['nm-a'])
    expect(entry.capabilities?.['incremental-change-media-types']).toEqual({
      'nm-a': 'application/merge-patch+json',
    })
  })

  it('closes the listed ids under uses and drops unknown ids', () => {
    expect([...visibleResourceIds(ird, ['cm-b', 'nope'])].sort()).toEqual(['cm-b', 'nm-b'])
  })

  it('restricts resources, prop-types, cost types and the default network map', () => {
    const view = restrictIrd(ird, visibleResourceIds(ird, ['cm-b', 'endpoint-property']))
    expect(Object.keys(view.resources).sort()).toEqual(['cm-b', 'endpoint-property', 'nm-b'])
    expect(view.resources['endpoint-property'].capabilities?.['prop-types']).toEqual([
      'nm-b.pid',
      'priv:region',
    ])
    expect(view.meta['cost-types']).toEqual({ 'num-hopcount': {} })
    expect(view.meta['default-alto-network-map']).toBe('nm-b')
    expect(ird.resources['endpoint-property'].capabilities?.['prop-types']).toHaveLength(3) // input untouched
  })
})
