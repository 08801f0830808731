// The grid index: which micro grid (and special grid) a point lies in. Flatbush finds the few grids whose
// bounding box holds the point; an exact point-in-polygon test picks the one. Built once from the grids table.
import Flatbush from 'flatbush'
import type { MultiPolygon, Polygon } from 'geojson'
import type { Db } from '../db'
import { buildTree, DISTRICT_CODE, DISTRICT_NAME, type Grid, type GridLevel, type GridTree, type SpecialKind } from '../../shared/grid'
import { bbox, distanceSq, flatten, inAny, type FlatPolygon } from './pip'

export interface GridRow {
  code: string
  name: string
  level: number
  parent: string | null
  kind: string | null
  geometry: string
}

export interface Location {
  /** The micro grid (level 4) holding the point; its ancestors follow from the code prefix. */
  grid: string
  /** The smallest special grid holding the point, if any. */
  special: string | null
}

/** Points this close (metres) to a micro grid but in no grid (a seam in quantized boundaries) snap to it. */
const SNAP_METRES = 15
const DEG_LAT_M = 111_320

class Layer {
  readonly index: Flatbush | null
  constructor(readonly codes: string[], readonly shapes: FlatPolygon[][], readonly areas: number[]) {
    if (codes.length === 0) {
      this.index = null
      return
    }
    this.index = new Flatbush(codes.length)
    for (const s of shapes) this.index.add(...bbox(s))
    this.index.finish()
  }

  /** Index of the first shape holding the point, or -1. */
  first(x: number, y: number): number {
    if (!this.index) return -1
    for (const i of this.index.search(x, y, x, y)) if (inAny(x, y, this.shapes[i])) return i
    return -1
  }

  /** Index of the smallest shape holding the point (the most specific of overlapping ones), or -1. */
  smallest(x: number, y: number): number {
    if (!this.index) return -1
    let best = -1
    for (const i of this.index.search(x, y, x, y))
      if ((best < 0 || this.areas[i] < this.areas[best]) && inAny(x, y, this.shapes[i])) best = i
    return best
  }
}

export class GridIndex {
  readonly tree: GridTree
  readonly byCode: Map<string, Grid>
  private readonly micro: Layer
  private readonly special: Layer
  /** [minLon, minLat, maxLon, maxLat] of the micro grids. */
  readonly extent: [number, number, number, number] | null

  constructor(rows: readonly GridRow[]) {
    const grids: Grid[] = rows.map((r) => ({
      code: r.code, name: r.name, level: r.level as GridLevel, parent: r.parent,
      ...(r.kind ? { kind: r.kind as SpecialKind } : {}),
    }))
    // Grid files may omit the district itself; the tree needs its root.
    if (grids.length > 0 && !grids.some((g) => g.level === 0))
      grids.push({ code: DISTRICT_CODE, name: DISTRICT_NAME, level: 0, parent: null })
    this.tree = buildTree(grids)
    this.byCode = new Map(this.tree.grids.map((g) => [g.code, g]))
    const layer = (level: number) => {
      const picked = rows.filter((r) => r.level === level)
      const shapes = picked.map((r) => flatten(JSON.parse(r.geometry) as Polygon | MultiPolygon))
      return new Layer(picked.map((r) => r.code), shapes, shapes.map(planarArea))
    }
    this.micro = layer(4)
    this.special = layer(5)
    const i = this.micro.index
    this.extent = i ? [i.minX, i.minY, i.maxX, i.maxY] : null
  }

  static load(db: Db): GridIndex {
    const rows = db.$client.prepare('SELECT code, name, level, parent, kind, geometry FROM grids').all() as GridRow[]
    return new GridIndex(rows)
  }

  get size(): number {
    return this.tree.grids.length
  }

  /** Stable index of a grid (shared/grid stableOrder), or undefined. */
  indexOf(code: string): number | undefined {
    return this.tree.indexOf.get(code)
  }

  /** The grids holding a WGS-84 point, or null when it lies outside the district. */
  locate(lon: number, lat: number): Location | null {
    const grid = this.microAt(lon, lat)
    if (grid === null) return null
    // Overlapping special grids: the smallest is the most specific (a school inside a business district).
    const s = this.special.smallest(lon, lat)
    return { grid, special: s < 0 ? null : this.special.codes[s] }
  }

  private microAt(x: number, y: number): string | null {
    const hit = this.micro.first(x, y)
    if (hit >= 0) return this.micro.codes[hit]
    if (!this.micro.index) return null
    const tol = SNAP_METRES / DEG_LAT_M
    const kx = Math.cos((y * Math.PI) / 180)
    let best = -1
    let bestD = (tol * tol)
    for (const i of this.micro.index.search(x - tol / kx, y - tol, x + tol / kx, y + tol)) {
      const d = distanceSq(x, y, this.micro.shapes[i], kx)
      if (d <= bestD) {
        bestD = d
        best = i
      }
    }
    return best < 0 ? null : this.micro.codes[best]
  }
}

function planarArea(polys: FlatPolygon[]): number {
  let a = 0
  for (const rings of polys)
    rings.forEach((r, k) => {
      let s = 0
      for (let i = 0, j = r.length - 2; i < r.length; j = i, i += 2) s += r[j] * r[i + 1] - r[i] * r[j + 1]
      a += (k === 0 ? 1 : -1) * Math.abs(s / 2)
    })
  return a
}
