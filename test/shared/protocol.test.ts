import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import {
  continues, decodeGridValues, encodeGridValues, fromPermille, GRID_METRICS, type GridMetric, packIndex, packInts,
  packUints, toBytes, toPermille, unpackIndex, unpackInts, unpackUints,
} from '../../shared/protocol'

const bytes = (...b: number[]) => Uint8Array.from(b)

describe('varint (LEB128) of non-negative integers', () => {
  it.each([
    [0, [0x00]],
    [1, [0x01]],
    [127, [0x7f]],
    [128, [0x80, 0x01]],
    [300, [0xac, 0x02]],
    [16_383, [0xff, 0x7f]],
    [16_384, [0x80, 0x80, 0x01]],
    [2 ** 31 - 1, [0xff, 0xff, 0xff, 0xff, 0x07]],
  ])('%d packs to %j and back', (n, encoded) => {
    expect(Array.from(packUints([n]))).toEqual(encoded)
    expect(Array.from(unpackUints(bytes(...encoded)))).toEqual([n])
  })

  it('round-trips any list of uint31 (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 2 ** 31 - 1 })), (xs) => {
        const packed = packUints(xs)
        expect(Array.from(unpackUints(packed, xs.length))).toEqual(xs)
      }),
    )
  })

  it('refuses values it cannot carry instead of wrapping them', () => {
    for (const bad of [-1, 1.5, NaN, Infinity, 2 ** 31]) expect(() => packUints([bad])).toThrow(RangeError)
  })

  it('checks the expected count and refuses truncated or overlong data', () => {
    expect(() => unpackUints(packUints([1, 2, 3]), 2)).toThrow(/expected 2 values, got 3/)
    expect(() => unpackUints(bytes(0x80))).toThrow(/middle of a value/)
    expect(() => unpackUints(bytes(0x80, 0x80, 0x80, 0x80, 0x80, 0x01))).toThrow(/longer than 5 bytes/)
    expect(() => unpackUints(bytes(0xff, 0xff, 0xff, 0xff, 0x0f))).toThrow(/out of range/)
    expect(Array.from(unpackUints(new Uint8Array(0), 0))).toEqual([])
  })
})

describe('zig-zag signed integers', () => {
  it.each([
    [0, [0x00]],
    [-1, [0x01]],
    [1, [0x02]],
    [-64, [0x7f]],
    [64, [0x80, 0x01]],
    [1000, [0xd0, 0x0f]],
    [2 ** 31 - 1, [0xfe, 0xff, 0xff, 0xff, 0x0f]],
    [-(2 ** 31), [0xff, 0xff, 0xff, 0xff, 0x0f]],
  ])('%d packs to %j and back', (n, encoded) => {
    expect(Array.from(packInts([n]))).toEqual(encoded)
    expect(Array.from(unpackInts(bytes(...encoded)))).toEqual([n])
  })

  it('round-trips any list of int32 (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })), (xs) => {
        expect(Array.from(unpackInts(packInts(xs), xs.length))).toEqual(xs)
      }),
    )
  })

  it('no-data (−1) and per-mille rates take one or two bytes', () => {
    expect(packInts([-1]).length).toBe(1)
    expect(packInts([1000]).length).toBe(2)
    expect(() => packInts([2 ** 31])).toThrow(RangeError)
    expect(() => packInts([0.5])).toThrow(RangeError)
  })
})

describe('index delta encoding', () => {
  it('packs ascending indices as small deltas', () => {
    const idx = [0, 1, 2, 130, 6000, 8000]
    expect(Array.from(unpackIndex(packIndex(idx)))).toEqual(idx)
    // deltas 0,1,1,128,5870,2000 → 1+1+1+2+2+2 bytes
    expect(packIndex(idx).length).toBe(9)
    expect(Array.from(unpackIndex(packIndex([])))).toEqual([])
  })

  it('refuses indices that are not ascending', () => {
    expect(() => packIndex([3, 2])).toThrow(/ascending/)
  })

  it('round-trips sorted subsets (property)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 8488 })), (xs) => {
        const sorted = [...xs].sort((a, b) => a - b)
        expect(Array.from(unpackIndex(packIndex(sorted)))).toEqual(sorted)
      }),
    )
  })
})

describe('grid values', () => {
  const rows = (n: number, f: (m: number, k: number) => number) =>
    Object.fromEntries(GRID_METRICS.map((m, mi) => [m, Array.from({ length: n }, (_, k) => f(mi, k))])) as Record<GridMetric, number[]>

  it('encode → decode returns the same indices and values', () => {
    const index = [0, 5, 17, 6000, 8488]
    const r = rows(index.length, (m, k) => (m === 3 && k === 2 ? -1 : m * 100 + k))
    const d = decodeGridValues(encodeGridValues(index, r))
    expect(Array.from(d.index)).toEqual(index)
    for (const m of GRID_METRICS) expect(Array.from(d.values[m])).toEqual(r[m])
  })

  it('a full district of values costs one byte per small value, two per rate', () => {
    const n = 8489 // 17 + 175 + 1439 + 6281 + 577
    const index = Array.from({ length: n }, (_, i) => i)
    // Counts 0..63 (one byte zig-zagged), rates 0..1000 per-mille or −1 (no data, one byte).
    const r = rows(n, (m, k) => (m < 3 ? (k * 7) % 64 : k % 3 === 0 ? -1 : 900 + (k % 100)))
    const g = encodeGridValues(index, r)
    expect(g.index.length).toBe(n) // deltas 0 and 1: one byte each
    for (const m of GRID_METRICS.slice(0, 3)) expect(g.values[m].length).toBe(n)
    const rateBytes = index.reduce((s, k) => s + (k % 3 === 0 ? 1 : 2), 0)
    for (const m of GRID_METRICS.slice(3)) expect(g.values[m].length).toBe(rateBytes)
    const d = decodeGridValues(g)
    expect(Array.from(d.values.satisfaction)).toEqual(r.satisfaction)
  })

  it('decodes what Socket.IO delivers: Buffer in Node, ArrayBuffer in browsers', () => {
    const index = [1, 2, 3]
    const r = rows(3, (m, k) => m + k)
    const g = encodeGridValues(index, r)
    const asBuffer = { index: Buffer.from(g.index), values: Object.fromEntries(GRID_METRICS.map((m) => [m, Buffer.from(g.values[m])])) }
    const asArrayBuffer = {
      index: g.index.slice().buffer,
      values: Object.fromEntries(GRID_METRICS.map((m) => [m, g.values[m].slice().buffer])),
    }
    for (const wire of [asBuffer, asArrayBuffer]) {
      const d = decodeGridValues(wire as never)
      expect(Array.from(d.index)).toEqual(index)
      for (const m of GRID_METRICS) expect(Array.from(d.values[m])).toEqual(r[m])
    }
  })

  it('refuses rows that do not match the indices, and mismatched data on decode', () => {
    const r = rows(2, () => 1)
    expect(() => encodeGridValues([1, 2, 3], r)).toThrow(/2 values for 3 grids/)
    const g = encodeGridValues([1, 2], r)
    expect(() => decodeGridValues({ ...g, index: packIndex([1, 2, 3]) })).toThrow(/expected 3 values, got 2/)
  })
})

describe('toBytes', () => {
  it('returns a Uint8Array as is and wraps views and buffers without copying', () => {
    const u = bytes(1, 2, 3)
    expect(toBytes(u)).toBe(u)
    const buf = Buffer.from([9, 8, 7])
    expect(Array.from(toBytes(buf))).toEqual([9, 8, 7])
    const ab = new ArrayBuffer(4)
    new Uint8Array(ab).set([1, 2, 3, 4])
    expect(Array.from(toBytes(ab))).toEqual([1, 2, 3, 4])
    const view = new DataView(ab, 1, 2)
    expect(Array.from(toBytes(view))).toEqual([2, 3])
    const i16 = new Int16Array(ab, 2, 1)
    expect(Array.from(toBytes(i16))).toEqual([3, 4])
    // A slice of a pooled Buffer keeps its offset.
    const pooled = Buffer.from([0, 0, 5, 6, 0]).subarray(2, 4)
    expect(Array.from(toBytes(pooled))).toEqual([5, 6])
  })
})

describe('frames', () => {
  it('a delta continues only from the seq the screen holds', () => {
    expect(continues(7, { base: 7 })).toBe(true)
    expect(continues(7, { base: 6 })).toBe(false)
    expect(continues(7, { base: 8 })).toBe(false)
  })

  it('per-mille: −1 is no data', () => {
    expect(toPermille(null)).toBe(-1)
    expect(toPermille(0)).toBe(0)
    expect(toPermille(0.96644)).toBe(966)
    expect(toPermille(1)).toBe(1000)
    expect(fromPermille(-1)).toBeNull()
    expect(fromPermille(0)).toBe(0)
    expect(fromPermille(989)).toBe(0.989)
  })
})
