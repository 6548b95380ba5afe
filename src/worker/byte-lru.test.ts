import { describe, expect, it } from 'vitest'
import { ByteLru } from './byte-lru.ts'

describe('ByteLru', () => {
  it('evicts least recently used entries beyond the byte budget', () => {
    const lru = new ByteLru<string>(10)
    lru.set('a', 'A', 4)
    lru.set('b', 'B', 4)
    expect(lru.get('a')).toBe('A') // a is now the most recent
    lru.set('c', 'C', 4) // 12 > 10: evicts b
    expect([lru.get('a'), lru.get('b'), lru.get('c')]).toEqual(['A', undefined, 'C'])
    expect(lru.bytes).toBe(8)
  })

  it('does not cache a value heavier than the budget, and replaces on re-set', () => {
    const lru = new ByteLru<string>(10)
    lru.set('big', 'X', 11)
    expect(lru.get('big')).toBeUndefined()
    lru.set('a', 'A', 3)
    lru.set('a', 'A2', 5)
    expect([lru.get('a'), lru.bytes, lru.size]).toEqual(['A2', 5, 1])
  })
})
