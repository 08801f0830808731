import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { COUNTERS, type Counters } from '../../shared/counters'
import { indicators } from '../../shared/indicators'
import {
  GRID_METRICS, WINDOWS, decodeGridValues, encodeGridRuns, encodeGridValues, type GridMetric, type Panels, type Snapshot,
} from '../../shared/protocol'
import { decodeDelta, decodeSnapshot, encodeDelta, encodeSnapshot } from '../../shared/wire'

const gridRows = fc
  .uniqueArray(fc.integer({ min: 0, max: 9000 }), { maxLength: 300 })
  .chain((idx) => {
    const sorted = [...idx].sort((a, b) => a - b)
    const col = fc.array(fc.integer({ min: -1, max: 2_000_000 }), { minLength: sorted.length, maxLength: sorted.length })
    return fc.tuple(fc.constant(sorted), fc.tuple(col, col, col, col, col))
  })

const rowsOf = (cols: number[][]) => Object.fromEntries(GRID_METRICS.map((m, k) => [m, cols[k]])) as Record<GridMetric, number[]>

function counters(seed: number): Counters {
  return Object.fromEntries(COUNTERS.map((c, i) => [c, (seed * (i + 3)) % 997])) as Counters
}

function panels(seed: number): Panels {
  const kpis = Object.fromEntries(WINDOWS.map((w, i) => {
    const c = counters(seed + i)
    return [w, { counters: c, indicators: indicators(c) }]
  })) as Panels['kpis']
  kpis.today.counters.rated = 0
  kpis.today.indicators = indicators(kpis.today.counters) // with nulls
  return {
    kpis, trend: { start: 1_700_000_000_000, received: Array.from({ length: 48 }, (_, i) => i * seed), closed: Array.from({ length: 48 }, (_, i) => i) },
    categories: [{ code: '01', name: '公用设施', value: 3 }], sources: { app: 1, hotline: 2, patrol: 3, video: 4, department: 5 },
    ladder: [1, 2, 3, 4, 5], departments: [{ code: 'D', name: '城管局 <b>', value: 966, of: 10 }],
    specials: { byKind: { enterprise: 2 }, top: [] }, crossScope: '410103',
  }
}

describe('grid runs packing', () => {
  it('round-trips any ascending indices and values, like the plain packing', () => {
    fc.assert(
      fc.property(gridRows, ([index, cols]) => {
        const rows = rowsOf(cols)
        const runs = decodeGridValues(encodeGridRuns(index, rows))
        const plain = decodeGridValues(encodeGridValues(index, rows))
        expect(Array.from(runs.index)).toEqual(index)
        expect(runs).toEqual(plain)
      }),
    )
  })

  it('packs a whole subtree of near-equal rates into about one byte per grid', () => {
    const n = 8490
    const index = Array.from({ length: n }, (_, i) => i)
    const rate = Array.from({ length: n }, (_, i) => 950 + ((i * 7) % 50))
    const g = encodeGridRuns(index, rowsOf([rate, rate, rate, rate, rate]))
    expect(g.index.length).toBeLessThanOrEqual(3)
    expect(g.values.closureRate.length).toBeLessThan(n * 1.1)
    expect(encodeGridValues(index, rowsOf([rate, rate, rate, rate, rate])).values.closureRate.length).toBe(2 * n)
  })

  it('refuses indices that are not ascending', () => {
    expect(() => encodeGridRuns([3, 2], rowsOf([[0, 0], [0, 0], [0, 0], [0, 0], [0, 0]]))).toThrow(RangeError)
  })
})

describe('frame wire format', () => {
  it('round-trips a snapshot (KPIs with nulls, trend, grids, ticker text kept as plain text)', () => {
    fc.assert(
      fc.property(gridRows, fc.integer({ min: 1, max: 1000 }), fc.boolean(), ([index, cols], seed, runs) => {
        const rows = rowsOf(cols)
        const s: Snapshot = {
          seq: seed, scope: '410103001', window: '7d', at: 1_700_000_000_123, gridCount: 9001, panels: panels(seed),
          grids: runs ? encodeGridRuns(index, rows) : encodeGridValues(index, rows), alerts: [],
          ticker: [{ id: 1, caseId: 2, at: 3, kind: 'new', matter: '井盖', grid: '4101030010010101', text: '张*反映：<script>', lon: 113.6, lat: 34.7 }],
        }
        const back = decodeSnapshot(encodeSnapshot(s))
        const { grids, panels: p, ...rest } = back
        const { grids: g0, panels: p0, ...rest0 } = s
        expect(rest).toEqual(rest0)
        expect(decodeGridValues(grids)).toEqual(decodeGridValues(g0))
        for (const w of WINDOWS) {
          expect(p.kpis[w].counters).toEqual(p0.kpis[w].counters)
          for (const [k, v] of Object.entries(p0.kpis[w].indicators))
            if (v === null) expect(p.kpis[w].indicators[k as keyof typeof p.kpis.all.indicators]).toBeNull()
            else expect(Math.abs(p.kpis[w].indicators[k as keyof typeof p.kpis.all.indicators]! - v)).toBeLessThanOrEqual(5.000001e-7)
        }
        const { kpis: _a, ...o } = p
        const { kpis: _b, ...o0 } = p0
        expect(o).toEqual(o0)
      }),
      { numRuns: 50 },
    )
  })

  it('round-trips a delta with only some panels, and one with nothing but its seq', () => {
    const d = encodeDelta({ seq: 5, base: 4, at: 9, panels: { sources: { app: 1, hotline: 0, patrol: 0, video: 0, department: 0 } } })
    expect(decodeDelta(d)).toEqual({ seq: 5, base: 4, at: 9, panels: { sources: { app: 1, hotline: 0, patrol: 0, video: 0, department: 0 } } })
    expect(decodeDelta(encodeDelta({ seq: 2, base: 1, at: 0 }))).toEqual({ seq: 2, base: 1, at: 0 })
  })

  it('refuses a truncated frame and a frame of the other kind', () => {
    const s = encodeSnapshot({ seq: 1, scope: '410103', window: 'all', at: 0, panels: panels(1), grids: encodeGridRuns([1], rowsOf([[1], [1], [1], [1], [1]])), alerts: [], ticker: [] })
    expect(() => decodeSnapshot(s.subarray(0, s.length - 3))).toThrow(RangeError)
    expect(() => decodeDelta(s)).toThrow(/kind/)
  })
})
