import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { formatIPv4, formatIPv6 } from '../tables/index.ts'
import { FAMILY_V4, FAMILY_V6, parseAddressBatch } from './address-batch.ts'
import { RequestFailureError } from './errors.ts'
import { parseTypedAddress } from './typed-address.ts'

/** The reference: distinct texts by a Set, then each parsed by the object parser. */
function reference(texts: readonly string[]) {
  const unique = [...new Set(texts)]
  return unique.map((text) => {
    const a = parseTypedAddress(text)
    if (!a) return { text, error: true }
    return a.type === 'ipv4'
      ? { text, family: FAMILY_V4, words: [a.address >>> 0, 0, 0, 0] }
      : { text, family: FAMILY_V6, words: [...a.words] }
  })
}

function actual(texts: readonly string[]) {
  const batch = parseAddressBatch(texts, 'endpoints')
  return batch.texts.map((text, i) => ({
    text,
    family: batch.family[i],
    words: Array.from(batch.words.subarray(4 * i, 4 * i + 4)),
  }))
}

/** Texts of a few addresses in several spellings, so equal addresses with different texts occur. */
const spelling = fc.oneof(
  fc.integer({ min: 0, max: 7 }).map((k) => `ipv4:10.0.0.${k}`),
  fc.integer({ min: 0, max: 7 }).map((k) => `ipv6:2001:db8::${k}`),
  fc.integer({ min: 0, max: 7 }).map((k) => `ipv6:2001:0db8:0::${k}`),
  fc.integer({ min: 0, max: 7 }).map((k) => `ipv6:2001:DB8::${k}`),
  fc.integer().map((n) => `ipv4:${formatIPv4(n)}`),
  fc
    .tuple(fc.integer(), fc.integer(), fc.integer(), fc.integer())
    .map((w) => `ipv6:${formatIPv6(w.map((x) => x >>> 0) as never)}`)
)

describe('parseAddressBatch (RFC 7285 §11.5.1.3 / §11.4.1.3 duplicates, §10.4.1 typed addresses)', () => {
  it('keeps the first of each distinct text in first-seen order, as a Set would', () => {
    fc.assert(
      fc.property(fc.array(spelling, { maxLength: 60 }), (texts) => {
        expect(actual(texts)).toEqual(reference(texts))
      }),
      { seed: 0x5eed, numRuns: 500 }
    )
  })

  it('keeps equal addresses written differently as separate entries (the keys are the texts)', () => {
    const texts = ['ipv6:::1', 'ipv6:0::1', 'ipv6:::1', 'ipv4:192.0.2.1', 'ipv6:0:0::1']
    const batch = parseAddressBatch(texts, 'endpoints')
    expect(batch.texts).toEqual(['ipv6:::1', 'ipv6:0::1', 'ipv4:192.0.2.1', 'ipv6:0:0::1'])
    expect(Array.from(batch.family)).toEqual([FAMILY_V6, FAMILY_V6, FAMILY_V4, FAMILY_V6])
    expect(Array.from(batch.words.subarray(8, 12))).toEqual([0xc0000201, 0, 0, 0])
  })

  it('an IPv4 and an IPv6 address with the same words are different entries', () => {
    // ipv4:0.0.0.1 is words [1,0,0,0]; ipv6:0:1:: is words [1,0,0,0] too.
    const batch = parseAddressBatch(['ipv4:0.0.0.1', 'ipv6:0:1::', 'ipv4:0.0.0.1'], 'x')
    expect(batch.texts).toEqual(['ipv4:0.0.0.1', 'ipv6:0:1::'])
  })

  it('reports the first invalid string (in request order) as E_INVALID_FIELD_VALUE', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(spelling, fc.constantFrom('ipv4:1.2.3', 'ipv5:1.2.3.4', 'x')), {
          maxLength: 30,
        }),
        (texts) => {
          const ref = reference(texts)
          const firstBad = ref.find((r) => r.error)
          let error: unknown = null
          try {
            parseAddressBatch(texts, 'endpoints/dsts')
          } catch (e) {
            error = e
          }
          if (!firstBad) {
            expect(error).toBeNull()
            return
          }
          expect(error).toBeInstanceOf(RequestFailureError)
          expect((error as RequestFailureError).failure).toEqual({
            kind: 'alto',
            error: {
              code: 'E_INVALID_FIELD_VALUE',
              field: 'endpoints/dsts',
              value: firstBad.text,
            },
          })
        }
      ),
      { seed: 0x5eed + 1, numRuns: 300 }
    )
  })
})
