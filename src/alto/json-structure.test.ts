import { describe, expect, it } from 'vitest'
import { jsonStructureProblem, parseJsonText } from './request-schemas.ts'

describe('JSON structure limits (RFC 8259 §4, §9)', () => {
  it('finds duplicate member names, also escaped and nested, not across objects', () => {
    expect(jsonStructureProblem('{"a":1,"a":2}', 32)).toMatch(/duplicate member name "a"/)
    expect(jsonStructureProblem('{"a":1,"\\u0061":2}', 32)).toMatch(/duplicate/)
    expect(jsonStructureProblem('{"x":{"b":[{"c":1,"c":1}]}}', 32)).toMatch(/"c"/)
    expect(jsonStructureProblem('{"a":{"a":1},"b":[{"a":1},{"a":2}],"c":"a"}', 32)).toBeNull()
    expect(jsonStructureProblem('{"a":"\\"a\\"","b":"a"}', 32)).toBeNull()
  })

  it('limits nesting depth without recursion', () => {
    expect(jsonStructureProblem('[[[]]]', 3)).toBeNull()
    expect(jsonStructureProblem('[[[[]]]]', 3)).toMatch(/deeper than 3/)
    const deep = '['.repeat(100_000) + ']'.repeat(100_000)
    expect(parseJsonText(deep)).toMatchObject({ ok: false, error: { code: 'E_SYNTAX' } })
  })
})
