// Point-in-polygon and point-to-polygon distance over GeoJSON rings, in degrees. Grids are small (tens to
// hundreds of metres), so planar maths on lon/lat is exact enough for "which grid is this point in".
import type { MultiPolygon, Polygon, Position } from 'geojson'

/** A polygon as flat rings: [x0, y0, x1, y1, …] per ring, outer ring first (holes follow). */
export type FlatPolygon = Float64Array[]

export function flatten(geometry: Polygon | MultiPolygon): FlatPolygon[] {
  const polys: Position[][][] = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates
  return polys.map((rings) => rings.map((ring) => Float64Array.from(ring.flat())))
}

/** Even-odd ray casting over every ring, so holes fall out. */
export function inPolygon(x: number, y: number, rings: FlatPolygon): boolean {
  let inside = false
  for (const r of rings) {
    const n = r.length
    for (let i = 0, j = n - 2; i < n; j = i, i += 2) {
      const xi = r[i], yi = r[i + 1], xj = r[j], yj = r[j + 1]
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside
    }
  }
  return inside
}

export function inAny(x: number, y: number, polys: FlatPolygon[]): boolean {
  for (const p of polys) if (inPolygon(x, y, p)) return true
  return false
}

/** Squared distance from a point to the nearest edge of any ring (degrees², lon scaled by cos(lat)). */
export function distanceSq(x: number, y: number, polys: FlatPolygon[], kx: number): number {
  let best = Infinity
  for (const rings of polys)
    for (const r of rings)
      for (let i = 2; i < r.length; i += 2) {
        const ax = r[i - 2] * kx, ay = r[i - 1], bx = r[i] * kx, by = r[i + 1]
        const px = x * kx, dx = bx - ax, dy = by - ay
        const len = dx * dx + dy * dy
        const t = len === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (y - ay) * dy) / len))
        const ex = ax + t * dx - px, ey = ay + t * dy - y
        best = Math.min(best, ex * ex + ey * ey)
      }
  return best
}

export function bbox(polys: FlatPolygon[]): [number, number, number, number] {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity
  for (const rings of polys) {
    const r = rings[0]
    for (let i = 0; i < r.length; i += 2) {
      if (r[i] < minX) minX = r[i]
      if (r[i] > maxX) maxX = r[i]
      if (r[i + 1] < minY) minY = r[i + 1]
      if (r[i + 1] > maxY) maxY = r[i + 1]
    }
  }
  return [minX, minY, maxX, maxY]
}
