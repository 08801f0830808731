// Colour classes of the grid map: breaks, classes, and that a delta costs one setFeatureState per grid
// whose class changed, on the level on screen only.
import { describe, expect, it } from 'vitest'
import { Choropleth, classOf, countBreaks, metricValue } from '../../../client/map/choropleth'
import type { GridAtlas, MapLevel } from '../../../client/map/useGridAtlas'
import type { GridMetric } from '../../../shared/protocol'

/** A tiny atlas: grid 0 level 1, grids 1–2 level 2, grids 3–6 level 4 (areas 1, 2, 0.5, 4 km²). */
function atlas(): GridAtlas {
  const level = Int8Array.from([1, 2, 2, 4, 4, 4, 4])
  const code = ['410103001', '410103001001', '410103001002', '4101030010010101', '4101030010010102', '4101030010020101', '4101030010020102']
  const indices = { 1: Int32Array.of(0), 2: Int32Array.of(1, 2), 3: Int32Array.of(), 4: Int32Array.of(3, 4, 5, 6), 5: Int32Array.of() }
  return {
    size: 7, code, name: code, level, kind: [], indexOf: new Map(code.map((c, i) => [c, i])), bbox: new Float64Array(28),
    center: new Float64Array(14), areaKm2: Float32Array.from([10, 5, 5, 1, 2, 0.5, 4]), indices, polygons: {} as GridAtlas['polygons'],
    borders: {} as GridAtlas['borders'], extent: [0, 0, 1, 1],
  }
}
const values = (received: number[], rate: number[] = received.map(() => -1)): Record<GridMetric, Int32Array> => ({
  received: Int32Array.from(received), open: Int32Array.from(received), overdue: new Int32Array(received.length),
  closureRate: Int32Array.from(rate), satisfaction: Int32Array.from(rate),
})

function fakeMap() {
  const calls: { source: string; id: number; b: number }[] = []
  return { calls, map: { setFeatureState: (f: { source: string; id: number }, s: { b: number }) => calls.push({ source: f.source, id: f.id, b: s.b }) } }
}

describe('class breaks', () => {
  it('are increasing quantiles of the positive values, two significant digits', () => {
    const b = countBreaks([0, 0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 610, 987, 1597])
    expect(b.length).toBeGreaterThan(3)
    for (let k = 1; k < b.length; k++) expect(b[k]).toBeGreaterThan(b[k - 1])
    expect(b.every((x) => Number(x.toPrecision(2)) === x)).toBe(true)
  })
  it('are empty without positive values, and a value gets the number of breaks at or below it', () => {
    expect(countBreaks([0, 0])).toEqual([])
    expect(classOf(0, [10, 20])).toBe(0)
    expect(classOf(10, [10, 20])).toBe(1)
    expect(classOf(25, [10, 20])).toBe(2)
    expect(classOf(null, [10, 20])).toBe(-1)
  })
})

describe('metric values', () => {
  it('density is cases per km², rates are per-mille with -1 as no data', () => {
    const a = atlas()
    const v = values([0, 0, 0, 4, 4, 4, 4], [0, 0, 0, 950, -1, 1000, 0])
    expect(metricValue('density', v, a, 5)).toBe(8)
    expect(metricValue('closureRate', v, a, 3)).toBe(950)
    expect(metricValue('closureRate', v, a, 4)).toBeNull()
  })
})

describe('Choropleth', () => {
  it('paints the level on screen, and a delta only the grids whose class changed', () => {
    const { calls, map } = fakeMap()
    const c = new Choropleth(map as never, atlas(), 4 as MapLevel)
    c.metric = 'open'
    c.scope = '410103'
    const v = values([100, 50, 50, 1, 5, 10, 50])
    c.setValues(v)
    c.calibrate()
    c.paint(null)
    expect(calls.map((x) => x.id).sort()).toEqual([3, 4, 5, 6])
    expect(calls.every((x) => x.source === 'grids-4')).toBe(true)
    expect(c.coloured()).toBe(4)
    calls.length = 0
    // Grid 4 stays in its class, grid 3 jumps to the top class; the level-2 grid is not on screen.
    v.open[4] += 0
    v.open[3] = 60
    v.open[1] = 1
    c.paint(Int32Array.of(1, 3, 4))
    expect(calls).toEqual([{ source: 'grids-4', id: 3, b: classOf(60, c.breaks[4]) }])
  })
  it('uses fixed rate breaks and marks grids without data', () => {
    const { calls, map } = fakeMap()
    const c = new Choropleth(map as never, atlas(), 4 as MapLevel)
    c.metric = 'satisfaction'
    c.scope = '410103'
    c.setValues(values([0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 995, -1, 850, 0]))
    c.calibrate()
    c.paint(null)
    const b = new Map(calls.map((x) => [x.id, x.b]))
    expect(b.get(3)).toBe(6)
    expect(b.get(4)).toBe(-1)
    expect(b.get(5)).toBe(1)
    expect(c.coloured()).toBe(3)
  })
})
