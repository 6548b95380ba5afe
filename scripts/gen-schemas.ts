/**
 * @module Writes src/alto/schemas.generated.json: the JSON Schema (draft 2020-12, zod's
 * `toJSONSchema` in input mode) of every ALTO message body in src/alto/schema-registry.ts, plus an
 * index. The Worker serves the file at `/schemas/`; a unit test fails when it is stale.
 *
 *   node scripts/gen-schemas.ts           write it
 *   node scripts/gen-schemas.ts --check   exit 1 when the file differs from what would be written
 */
import { createHash } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { format, resolveConfig } from 'prettier'
import * as z from 'zod'
import { SCHEMA_ENTRIES, schemaName } from '../src/alto/schema-registry.ts'

export const GENERATED_PATH = fileURLToPath(
  new URL('../src/alto/schemas.generated.json', import.meta.url)
)

/** The generated document's text (prettier-formatted): `{index, indexEtag, etags, schemas}`. */
export async function generateSchemas(): Promise<string> {
  const index = SCHEMA_ENTRIES.map((e) => ({
    name: schemaName(e.mediaType),
    'media-type': e.mediaType,
    role: e.role,
    spec: e.spec,
    path: `/schemas/${schemaName(e.mediaType)}.json`,
  }))
  const schemas = Object.fromEntries(
    SCHEMA_ENTRIES.map((e) => {
      const name = schemaName(e.mediaType)
      const schema = z.toJSONSchema(e.schema, { io: 'input', unrepresentable: 'any' })
      return [
        name,
        { ...schema, $id: `/schemas/${name}.json`, title: `${e.mediaType} (${e.spec})` },
      ]
    })
  )
  // Strong validators for the Worker (RFC 9110 §8.8.3): a digest of the exact served text.
  const etag = (value: unknown) =>
    `"${createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 32)}"`
  const etags = Object.fromEntries(Object.entries(schemas).map(([name, s]) => [name, etag(s)]))
  const indexEtag = etag({ schemas: index })
  // The project's prettier options (width 100), so `prettier --check .` agrees with the file.
  const options = (await resolveConfig(GENERATED_PATH)) ?? {}
  return format(JSON.stringify({ index, indexEtag, etags, schemas }), {
    ...options,
    parser: 'json',
  })
}

if (import.meta.main) {
  const text = await generateSchemas()
  if (process.argv.includes('--check')) {
    const current = readFileSync(GENERATED_PATH, 'utf8')
    if (current !== text) {
      console.error('src/alto/schemas.generated.json is stale: run node scripts/gen-schemas.ts')
      process.exit(1)
    }
  } else {
    writeFileSync(GENERATED_PATH, text)
    console.log(`wrote ${GENERATED_PATH} (${text.length} bytes)`)
  }
}
