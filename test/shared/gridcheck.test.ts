import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import type { Polygon } from 'geojson'
import { checkGrids, formatReport, geometryError, type CheckName, type GridFeature } from '../../shared/gridcheck'

const box = (x0: number, y0: number, x1: number, y1: number): Polygon => ({
  type: 'Polygon',
  coordinates: [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]],
})
const g = (code: string, level: number, parent: string | null, geometry: Polygon, kind?: string): GridFeature => ({
  code, name: `grid ${code}`, level: level as GridFeature['level'], parent, geometry, ...(kind ? { kind } : {}),
})

/** A small valid district: two streets, each one community with one or two grids of micro grids. */
function district(): GridFeature[] {
  return [
    g('410103', 0, null, box(113.6, 34.7, 113.64, 34.72)),
    g('410103001', 1, '410103', box(113.6, 34.7, 113.62, 34.72)),
    g('410103100', 1, '410103', box(113.62, 34.7, 113.64, 34.72)),
    g('410103001001', 2, '410103001', box(113.6, 34.7, 113.62, 34.72)),
    g('410103100001', 2, '410103100', box(113.62, 34.7, 113.64, 34.72)),
    g('41010300100101', 3, '410103001001', box(113.6, 34.7, 113.62, 34.71)),
    g('41010300100102', 3, '410103001001', box(113.6, 34.71, 113.62, 34.72)),
    g('41010310000101', 3, '410103100001', box(113.62, 34.7, 113.64, 34.72)),
    g('4101030010010101', 4, '41010300100101', box(113.6, 34.7, 113.61, 34.71)),
    g('4101030010010102', 4, '41010300100101', box(113.61, 34.7, 113.62, 34.71)),
    g('4101030010010201', 4, '41010300100102', box(113.6, 34.71, 113.62, 34.72)),
    g('4101031000010101', 4, '41010310000101', box(113.62, 34.7, 113.64, 34.72)),
    g('410103920001', 5, '41010300100101', box(113.603, 34.703, 113.605, 34.705), 'school'),
  ]
}
const replace = (features: GridFeature[], code: string, change: Partial<GridFeature>) =>
  features.map((f) => (f.code === code ? { ...f, ...change } : f))
const checksOf = (features: GridFeature[], opts = {}) => checkGrids(features, opts).problems.map((p) => [p.check, p.code] as [CheckName, string | null])

describe('checkGrids', () => {
  it('accepts a clean district', () => {
    const report = checkGrids(district(), { expectedCounts: { 1: 2, 2: 2, 3: 3, 4: 4, 5: 1 } })
    expect(formatReport(report)).toBe('no problems found')
    expect(report.ok).toBe(true)
  })

  it('counts each level when asked, and only then', () => {
    const report = checkGrids(district(), { expectedCounts: { 1: 17, 4: 4 } })
    expect(report.problems).toEqual([{ check: 'count', code: null, index: -1, message: 'level 1 has 2 grids, expected 17' }])
    expect(checkGrids(district()).ok).toBe(true)
  })

  it('names malformed codes, codes that do not extend their parent, and out-of-range streets', () => {
    let f = replace(district(), '4101030010010102', { code: '41010300100101022' })
    expect(checksOf(f)).toContainEqual(['code', '41010300100101022'])
    f = replace(district(), '4101030010010102', { code: '4101030010010202' })
    expect(checkGrids(f).problems.find((p) => p.code === '4101030010010202')).toMatchObject({ check: 'code', index: 9 })
    f = replace(district(), '410103100', { code: '410103300' })
    expect(checksOf(f)).toContainEqual(['code', '410103300'])
    f = replace(district(), '4101030010010102', { code: '4101030010010100' })
    expect(checksOf(f)).toContainEqual(['code', '4101030010010100'])
    f = replace(district(), '410103920001', { kind: 'market' })
    expect(checkGrids(f).problems.find((p) => p.code === '410103920001')?.message).toMatch(/school range but kind is market/)
    f = replace(district(), '410103920001', { kind: 'hospital' })
    expect(checksOf(f)).toContainEqual(['property', '410103920001'])
    f = replace(district(), '41010300100102', { name: ' ' })
    expect(checksOf(f)).toEqual([['property', '41010300100102']])
  })

  it('names duplicate codes at their second use', () => {
    const f = [...district(), g('4101030010010102', 4, '41010300100101', box(113.61, 34.7, 113.62, 34.71))]
    const dup = checkGrids(f).problems.filter((p) => p.check === 'duplicate')
    expect(dup).toEqual([expect.objectContaining({ code: '4101030010010102', index: 13 })])
  })

  it('names missing parents, parents at the wrong level, and grids without children', () => {
    const noCommunity = district().filter((f) => f.code !== '410103100001')
    expect(checksOf(noCommunity)).toEqual(
      expect.arrayContaining([['parent', '41010310000101'], ['parent', '410103100']]),
    )
    const wrongLevel = replace(district(), '410103920001', { parent: '410103001001' })
    expect(checkGrids(wrongLevel).problems[0].message).toMatch(/is level 2, expected level 3/)
  })

  it('rejects unusable geometry', () => {
    expect(geometryError({ type: 'Point', coordinates: [1, 2] } as never, null)).toMatch(/Polygon or MultiPolygon/)
    expect(geometryError({ type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 1]]] }, null)).toMatch(/not closed/)
    expect(geometryError({ type: 'Polygon', coordinates: [[[0, 0], [1, 0], [0, 0]]] }, null)).toMatch(/fewer than 4/)
    expect(geometryError({ type: 'Polygon', coordinates: [[[0, 0], [NaN, 0], [1, 1], [0, 0]]] }, null)).toMatch(/finite/)
    expect(geometryError({ type: 'Polygon', coordinates: [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]] }, null)).toMatch(/crosses itself/)
    expect(geometryError(box(113.6, 34.7, 113.61, 34.71), [113.5, 34.6, 113.68, 34.77])).toBeNull()
    expect(geometryError(box(116.3, 39.9, 116.4, 40), [113.5, 34.6, 113.68, 34.77])).toMatch(/outside the extent/)
    const f = replace(district(), '4101030010010201', { geometry: box(116.3, 39.9, 116.4, 40) })
    expect(checksOf(f)).toEqual([['geometry', '4101030010010201']])
  })

  it('names a child that lies outside its parent, ordinary or special', () => {
    let f = replace(district(), '410103920001', { geometry: box(113.618, 34.703, 113.622, 34.705) })
    expect(checkGrids(f).problems).toEqual([
      expect.objectContaining({ check: 'containment', code: '410103920001', message: expect.stringMatching(/only 50\.000% of it lies inside its parent 41010300100101/) }),
    ])
    f = replace(district(), '4101031000010101', { geometry: box(113.62, 34.7, 113.64, 34.721) })
    expect(checksOf(f)).toContainEqual(['containment', '4101031000010101'])
  })

  it('names both siblings that overlap, and passes an overlap under the tolerance', () => {
    const f = replace(district(), '4101030010010101', { geometry: box(113.6, 34.7, 113.612, 34.71) })
    expect(checkGrids(f).problems).toEqual([
      expect.objectContaining({ check: 'overlap', code: '4101030010010101', message: expect.stringMatching(/sibling 4101030010010102/) }),
    ])
    // 0.05 % of the parent: under the 0.1 % default, over a 0.01 % tolerance.
    const small = replace(district(), '4101030010010101', { geometry: box(113.6, 34.7, 113.61001, 34.71) })
    expect(checkGrids(small).ok).toBe(true)
    expect(checksOf(small, { overlapTolerance: 0.0001 })).toEqual([['overlap', '4101030010010101']])
  })

  it('names the parent its children leave uncovered, and the district when micro grids miss part of it', () => {
    const f = replace(district(), '4101030010010102', { geometry: box(113.612, 34.7, 113.62, 34.71) })
    expect(checksOf(f)).toEqual([['gap', '41010300100101'], ['cover', '410103']])
    const small = replace(district(), '4101030010010102', { geometry: box(113.61001, 34.7, 113.62, 34.71) })
    expect(checkGrids(small).ok).toBe(true)
  })

  it("validates another district by its own rules: its code, extent and street ranges", () => {
    // The same boundaries as 中原区 (410102), somewhere else, with streets only in 001–099.
    const moved = (c: string) => c.replace(/^410103/, '410102')
    const shift = (p: Polygon): Polygon => ({ type: 'Polygon', coordinates: p.coordinates.map((r) => r.map(([x, y]) => [x - 0.2, y + 0.1])) })
    const own = district().map((f) => ({ ...f, code: moved(f.code), parent: f.parent && moved(f.parent), geometry: shift(f.geometry as Polygon) }))
    const rules = { code: '410102', extent: [113.35, 34.75, 113.5, 34.85] as [number, number, number, number], streetRanges: [[1, 199]] as [number, number][] }
    expect(formatReport(checkGrids(own, { district: rules }))).toBe('no problems found')
    // Under this deployment's rules (Erqi) none of its codes is well-formed and it lies outside the extent.
    expect(checksOf(own).filter(([check]) => check === 'code')).toHaveLength(own.length)
    // Its own street ranges are the ones applied, and the message names them.
    const narrow = checkGrids(own, { district: { ...rules, streetRanges: [[1, 99]] } }).problems
    expect(narrow.map((p) => [p.check, p.code])).toEqual([['code', '410102100'], ['code', '410102100001'], ['code', '41010210000101'], ['code', '4101021000010101']])
    expect(narrow[0].message).toBe('street part 100 is outside 001–099')
    // And its own extent.
    expect(checksOf(own, { district: { ...rules, extent: [113.48, 34.58, 113.7, 34.79] } })).toContainEqual(['geometry', '410102'])
  })

  it('keeps each problem tied to its input index', () => {
    const f = replace(district(), '4101030010010201', { parent: '41010300100199' })
    const p = checkGrids(f).problems.find((x) => x.code === '4101030010010201')!
    expect(f[p.index].code).toBe('4101030010010201')
  })

  it('accepts any tiling of a parent into a grid of children, and rejects a shifted one', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }), fc.double({ min: 0.06, max: 0.4, noNaN: true }), (nx, ny, shift) => {
        const [x0, y0, w, h] = [113.6, 34.7, 0.03, 0.02]
        const features = [g('410103', 0, null, box(x0, y0, x0 + w, y0 + h)), g('410103001', 1, '410103', box(x0, y0, x0 + w, y0 + h))]
        let n = 0
        for (let i = 0; i < nx; i++)
          for (let j = 0; j < ny; j++) {
            n++
            const code = '410103001' + String(n).padStart(3, '0')
            features.push(g(code, 2, '410103001', box(x0 + (i * w) / nx, y0 + (j * h) / ny, x0 + ((i + 1) * w) / nx, y0 + ((j + 1) * h) / ny)))
          }
        const clean = checkGrids(features).problems.filter((p) => p.check !== 'parent')
        expect(clean).toEqual([])
        // Shift the first child right by ≥ 6 % of its width (≥ 0.17 % of the parent with ≤ 36 children):
        // it overlaps a sibling or leaves its parent, and leaves a gap.
        const c = features[2].geometry as Polygon
        const dx = (shift * w) / nx
        const moved = { ...features[2], geometry: { type: 'Polygon', coordinates: [c.coordinates[0].map(([x, y]) => [x + dx, y])] } as Polygon }
        const bad = checkGrids([...features.slice(0, 2), moved, ...features.slice(3)]).problems.map((p) => p.check)
        expect(bad).toContain('gap')
        expect(bad.some((k) => k === 'overlap' || k === 'containment')).toBe(true)
      }),
      { numRuns: 40 },
    )
  })
})
