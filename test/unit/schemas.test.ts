/**
 * The JSON Schemas served at /schemas/ are generated from the zod schemas
 * (scripts/gen-schemas.ts) and committed as src/alto/schemas.generated.json: this fails when the
 * file is stale, and checks what the schemas say about unknown members (RFC 7285 §8.3.7).
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { MEDIA_TYPES } from '../../src/alto/media-types.ts'
import { SCHEMA_ENTRIES, schemaName } from '../../src/alto/schema-registry.ts'
import { GENERATED_PATH, generateSchemas } from '../../scripts/gen-schemas.ts'

const generated = JSON.parse(readFileSync(GENERATED_PATH, 'utf8')) as {
  index: { name: string; 'media-type': string; path: string }[]
  schemas: Record<string, Record<string, unknown>>
}

describe('JSON Schemas of every ALTO message', () => {
  it('src/alto/schemas.generated.json is current (run node scripts/gen-schemas.ts)', async () => {
    expect(readFileSync(GENERATED_PATH, 'utf8')).toBe(await generateSchemas())
  })

  it('covers every request and response media type but the event stream and patches', () => {
    const covered = new Set(SCHEMA_ENTRIES.map((e) => e.mediaType))
    const notJsonBodies = [MEDIA_TYPES.eventStream, MEDIA_TYPES.mergePatch, MEDIA_TYPES.jsonPatch]
    for (const type of Object.values(MEDIA_TYPES)) {
      if (!notJsonBodies.includes(type as never)) expect(covered, type).toContain(type)
    }
    expect(generated.index.map((e) => e.name)).toEqual(
      SCHEMA_ENTRIES.map((e) => schemaName(e.mediaType))
    )
  })

  it('RFC 7285 §8.3.7: no schema forbids unknown members (input mode)', () => {
    const text = JSON.stringify(generated.schemas)
    expect(text).not.toContain('"additionalProperties":false')
    // RFC 8189 §4.2.2: `cost-type` is optional (`multi-cost-types` may replace it).
    expect(generated.schemas['alto-endpointcostparams'].required).toEqual(['endpoints'])
    // RFC 9240 §8.3: `entities` is required, `properties` optional.
    expect(generated.schemas['alto-propmapparams'].required).toEqual(['entities'])
    expect(generated.schemas['alto-costmap'].$id).toBe('/schemas/alto-costmap.json')
    // RFC 9241 §5.3: cdni-capabilities<0..*> is required (an empty list asks for everything).
    expect(generated.schemas['alto-cdnifilter'].required).toEqual(['cdni-capabilities'])
  })

  it('RFC 8189 §4.1.2 / §4.2.2: the multi-cost members of both cost requests', () => {
    for (const name of ['alto-costmapfilter', 'alto-endpointcostparams']) {
      const properties = generated.schemas[name].properties as Record<string, { type?: string }>
      expect(Object.keys(properties), name).toEqual(
        expect.arrayContaining([
          'cost-type',
          'multi-cost-types',
          'testable-cost-types',
          'constraints',
          'or-constraints',
        ])
      )
      expect(properties['multi-cost-types'].type).toBe('array')
      expect(properties['or-constraints']).toMatchObject({
        type: 'array',
        minItems: 1,
        items: { type: 'array', minItems: 1, items: { type: 'string' } },
      })
    }
  })
})
