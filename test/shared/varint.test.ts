import { describe, expect, test } from 'vitest'
import fc from 'fast-check'
import { VARINT_MAX, VarintReader, encodeVarint, readVarints, varintLength, writeVarints } from '../../shared/varint'

describe('varint codec', () => {
  test('values round-trip, one at a time and packed, in the bytes LEB128 gives them', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: VARINT_MAX })), (xs) => {
        const packed = writeVarints(xs, (v) => v)
        expect(readVarints(packed, VARINT_MAX)).toEqual(xs)
        expect(packed.length).toBe(xs.reduce((n, v) => n + varintLength(v), 0))
        const r = new VarintReader(packed)
        for (const x of xs) expect(r.uint()).toBe(x)
        expect(r.rest().length).toBe(0)
      }),
    )
    expect([...encodeVarint(300)]).toEqual([0xac, 0x02])
    expect([...encodeVarint(VARINT_MAX)]).toEqual([0xff, 0xff, 0xff, 0xff, 0x0f])
  })

  test('a reader takes length-prefixed pieces and refuses truncated ones', () => {
    const r = new VarintReader(Uint8Array.from([2, 7, 8, 1, 9]))
    expect([...r.piece()]).toEqual([7, 8])
    expect([...r.piece()]).toEqual([9])
    expect(() => new VarintReader(Uint8Array.from([3, 1]), 0, 'frame').piece()).toThrow(/frame truncated/)
    expect(() => new VarintReader(Uint8Array.from([0x80])).uint()).toThrow(/truncated/)
    expect(() => new VarintReader(Uint8Array.from([0x80, 0x80, 0x80, 0x80, 0x80, 1])).uint()).toThrow(/longer than 5/)
  })
})
