import { describe, expect, test } from 'vitest'
import { readFileSync } from 'node:fs'
import { feature } from 'topojson-client'
import type { Topology, GeometryCollection } from 'topojson-specification'
import type { MultiPolygon, Polygon } from 'geojson'
import { GridIndex, type GridRow } from '../../../server/geo'
import { flatten, inAny } from '../../../server/geo/pip'
import { EXPECTED_COUNTS } from '../../../shared/grid'

const row = (code: string, level: number, parent: string | null, coordinates: number[][][], kind: string | null = null): GridRow => ({
  code, name: code, level, parent, kind, geometry: JSON.stringify({ type: 'Polygon', coordinates }),
})

describe('GridIndex on hand-made shapes', () => {
  // Two triangles sharing a diagonal: their bounding boxes are equal, so only point-in-polygon tells them apart.
  const lower = [[[113.5, 34.6], [113.6, 34.6], [113.6, 34.7], [113.5, 34.6]]]
  const upper = [[[113.5, 34.6], [113.6, 34.7], [113.5, 34.7], [113.5, 34.6]]]
  // A special grid with a hole (a courtyard that is not part of it), and a smaller one inside it.
  const ring = [
    [[113.52, 34.65], [113.58, 34.65], [113.58, 34.69], [113.52, 34.69], [113.52, 34.65]],
    [[113.54, 34.66], [113.56, 34.66], [113.56, 34.68], [113.54, 34.68], [113.54, 34.66]],
  ]
  const small = [[[113.575, 34.685], [113.579, 34.685], [113.579, 34.689], [113.575, 34.689], [113.575, 34.685]]]
  const index = new GridIndex([
    row('410103001', 1, '410103', [[[113.5, 34.6], [113.6, 34.6], [113.6, 34.7], [113.5, 34.7], [113.5, 34.6]]]),
    row('410103001001', 2, '410103001', [[[113.5, 34.6], [113.6, 34.6], [113.6, 34.7], [113.5, 34.7], [113.5, 34.6]]]),
    row('41010300100101', 3, '410103001001', [[[113.5, 34.6], [113.6, 34.6], [113.6, 34.7], [113.5, 34.7], [113.5, 34.6]]]),
    row('4101030010010101', 4, '41010300100101', lower),
    row('4101030010010102', 4, '41010300100101', upper),
    row('410103930001', 5, '41010300100101', ring, 'business'),
    row('410103920001', 5, '41010300100101', small, 'school'),
  ])

  test('point-in-polygon picks the right one of two grids with the same bounding box', () => {
    expect(index.locate(113.59, 34.61)?.grid).toBe('4101030010010101')
    expect(index.locate(113.51, 34.69)?.grid).toBe('4101030010010102')
  })

  test('holes are outside; the smallest of overlapping special grids wins', () => {
    expect(index.locate(113.53, 34.66)?.special).toBe('410103930001')
    expect(index.locate(113.55, 34.67)?.special).toBeNull() // in the hole
    expect(index.locate(113.577, 34.687)?.special).toBe('410103920001')
  })

  test('outside the district is null; a point a few metres past the edge snaps, one far past does not', () => {
    expect(index.locate(113.7, 34.65)).toBeNull()
    expect(index.locate(113.6 + 0.00005, 34.65)?.grid).toBe('4101030010010101') // ~5 m east of the edge
    expect(index.locate(113.6 + 0.001, 34.65)).toBeNull() // ~90 m
  })

  test('the tree gets the district as root even when the rows omit it', () => {
    expect(index.tree.grids[0].code).toBe('410103')
    expect(index.indexOf('4101030010010102')).toBeGreaterThan(index.indexOf('41010300100101')!)
  })
})

describe('GridIndex on the district fixture', () => {
  const topo = JSON.parse(readFileSync('fixtures/data/grids.topo.json', 'utf8')) as Topology
  const rows: GridRow[] = Object.values(topo.objects).flatMap((o) =>
    feature(topo, o as GeometryCollection).features.map((f) => {
      const p = f.properties as { code: string; name: string; level: number; parent: string | null; kind?: string }
      return { code: p.code, name: p.name, level: p.level, parent: p.parent, kind: p.kind ?? null, geometry: JSON.stringify(f.geometry) }
    }),
  )
  const index = new GridIndex(rows)
  const micro = rows.filter((r) => r.level === 4).map((r) => ({ code: r.code, shape: flatten(JSON.parse(r.geometry) as Polygon | MultiPolygon) }))

  test('holds every grid of the district', () => {
    expect(index.size).toBe(1 + EXPECTED_COUNTS[1] + EXPECTED_COUNTS[2] + EXPECTED_COUNTS[3] + EXPECTED_COUNTS[4] + EXPECTED_COUNTS[5])
  })

  test('agrees with a brute-force scan of all 6,281 micro grids on 400 points', () => {
    const [x0, y0, x1, y1] = index.extent!
    let seed = 7
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
    let inside = 0
    for (let n = 0; n < 400; n++) {
      const x = x0 + rnd() * (x1 - x0)
      const y = y0 + rnd() * (y1 - y0)
      const brute = micro.find((m) => inAny(x, y, m.shape))?.code ?? null
      const got = index.locate(x, y)?.grid ?? null
      if (brute !== null) {
        inside++
        expect(got).toBe(brute)
      } else if (got !== null) {
        // Not in any polygon, yet located: only allowed as a snap across a seam of a few metres.
        expect(micro.some((m) => m.code === got)).toBe(true)
      }
    }
    expect(inside).toBeGreaterThan(200)
  })

  test('a located point carries its micro grid, whose ancestors are in the tree', () => {
    const center = rows.filter((r) => r.level === 4)[1234]
    const loc = index.locate(...interiorPoint(center.geometry))
    expect(loc?.grid).toBe(center.code)
    for (const level of [1, 2, 3] as const) expect(index.byCode.has(center.code.slice(0, [0, 9, 12, 14][level]))).toBe(true)
  })
})

/** A point inside a polygon: the centroid of its first triangle that contains its own centroid. */
function interiorPoint(geometry: string): [number, number] {
  const g = JSON.parse(geometry) as Polygon | MultiPolygon
  const ring = g.type === 'Polygon' ? g.coordinates[0] : g.coordinates[0][0]
  const shape = flatten(g)
  for (let i = 1; i + 1 < ring.length; i++) {
    const x = (ring[0][0] + ring[i][0] + ring[i + 1][0]) / 3
    const y = (ring[0][1] + ring[i][1] + ring[i + 1][1]) / 3
    if (inAny(x, y, shape)) return [x, y]
  }
  throw new Error('no interior point found')
}
