// Small pure geometry helpers for grid polygons: a local metric plane, areas, boxes, self-crossing
// rings and a label point. Polygons here use polygon-clipping's nesting (rings of [x, y] pairs,
// the first ring outer, the rest holes).
import type { MultiPolygon, Polygon, Position } from 'geojson'

export type Pair = [number, number]
export type Box = [number, number, number, number]
export type PlanarPolygon = Pair[][]

/** An equirectangular plane in metres around (lon0, lat0): scale error < 0.1 % across a district. */
export function localPlane(lon0: number, lat0: number) {
  const ky = 110_574
  const kx = 111_320 * Math.cos((lat0 * Math.PI) / 180)
  return {
    toPlane: (lon: number, lat: number): Pair => [(lon - lon0) * kx, (lat - lat0) * ky],
    toLonLat: (x: number, y: number): Pair => [lon0 + x / kx, lat0 + y / ky],
  }
}
export type Plane = ReturnType<typeof localPlane>

export const polygonsOf = (g: Polygon | MultiPolygon): Position[][][] => (g.type === 'Polygon' ? [g.coordinates] : g.coordinates)

export function toPlanar(g: Polygon | MultiPolygon, plane: Plane): PlanarPolygon[] {
  return polygonsOf(g).map((poly) => poly.map((ring) => ring.map(([lon, lat]) => plane.toPlane(lon, lat))))
}

export function ringArea(ring: readonly Position[]): number {
  let s = 0
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) s += (ring[j][0] - ring[i][0]) * (ring[j][1] + ring[i][1])
  return Math.abs(s / 2)
}

/** Area of polygons whose first ring is the outer one and the rest are holes. */
export function multiArea(m: readonly PlanarPolygon[]): number {
  return m.reduce((s, poly) => s + poly.reduce((t, ring, k) => t + (k === 0 ? 1 : -1) * ringArea(ring), 0), 0)
}

/**
 * Area in m² on a sphere of radius 6,371,008.8 m (the edge-sum formula of Chamberlain & Duquette).
 * A sum over edges, so the areas of a tiling add up exactly to its parent's.
 */
export function sphericalArea(g: Polygon | MultiPolygon): number {
  const rad = Math.PI / 180
  const ring = (r: Position[]) => {
    let s = 0
    for (let i = 0, j = r.length - 1; i < r.length; j = i++) s += (r[i][0] - r[j][0]) * rad * (2 + Math.sin(r[j][1] * rad) + Math.sin(r[i][1] * rad))
    return Math.abs((s * 6_371_008.8 ** 2) / 2)
  }
  return polygonsOf(g).reduce((a, poly) => a + poly.reduce((t, r, k) => t + (k === 0 ? 1 : -1) * ring(r), 0), 0)
}

export function boxOf(m: readonly PlanarPolygon[]): Box {
  const b: Box = [Infinity, Infinity, -Infinity, -Infinity]
  for (const poly of m)
    for (const [x, y] of poly[0]) {
      if (x < b[0]) b[0] = x
      if (y < b[1]) b[1] = y
      if (x > b[2]) b[2] = x
      if (y > b[3]) b[3] = y
    }
  return b
}

export const boxesMeet = (a: Box, b: Box) => a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3]

/** A vertex where two non-adjacent edges of a closed ring properly cross, or null (sweep over edge boxes). */
export function selfCrossing(ring: readonly Position[]): Position | null {
  const n = ring.length - 1
  const lo = (e: number) => Math.min(ring[e][0], ring[e + 1][0])
  const edges = Array.from({ length: n }, (_, i) => i).sort((a, b) => lo(a) - lo(b))
  const orient = (p: Position, q: Position, r: Position) => Math.sign((q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0]))
  for (let s = 0; s < n; s++) {
    const e = edges[s]
    const hi = Math.max(ring[e][0], ring[e + 1][0])
    for (let t = s + 1; t < n && lo(edges[t]) <= hi; t++) {
      const f = edges[t]
      if (Math.abs(e - f) <= 1 || Math.abs(e - f) === n - 1) continue
      const [a, b, c, d] = [ring[e], ring[e + 1], ring[f], ring[f + 1]]
      if (orient(a, b, c) * orient(a, b, d) < 0 && orient(c, d, a) * orient(c, d, b) < 0) return a
    }
  }
  return null
}

/** A point inside the polygon: the middle of the widest span on the horizontal through its centroid. */
export function interiorPoint(poly: readonly Pair[][]): Pair {
  const outer = poly[0]
  let a = 0
  let cx = 0
  let cy = 0
  for (let i = 0, j = outer.length - 1; i < outer.length; j = i++) {
    const f = outer[j][0] * outer[i][1] - outer[i][0] * outer[j][1]
    a += f
    cx += (outer[j][0] + outer[i][0]) * f
    cy += (outer[j][1] + outer[i][1]) * f
  }
  const y = a ? cy / (3 * a) : outer[0][1]
  const xs: number[] = []
  for (const ring of poly)
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [x1, y1] = ring[j]
      const [x2, y2] = ring[i]
      if (y1 > y !== y2 > y) xs.push(x1 + ((y - y1) * (x2 - x1)) / (y2 - y1))
    }
  xs.sort((p, q) => p - q)
  let best: Pair = [a ? cx / (3 * a) : outer[0][0], y]
  let width = -1
  for (let k = 0; k + 1 < xs.length; k += 2)
    if (xs[k + 1] - xs[k] > width) ((width = xs[k + 1] - xs[k]), (best = [(xs[k] + xs[k + 1]) / 2, y]))
  return best
}
