// The grid geometry is the basemap: fetched once from /api/grids (TopoJSON), decoded into one
// FeatureCollection per level whose feature ids are the stable grid index `i` (promoteId), plus flat
// lookup arrays by that index (code, name, level, parent, bbox, area) for breadcrumbs, search and the tour.
import { shallowRef, type ShallowRef } from 'vue'
import { feature, transform } from 'topojson-client'
import type { Topology, GeometryCollection } from 'topojson-specification'
import type { FeatureCollection, MultiLineString, Polygon, MultiPolygon, Position } from 'geojson'
import { CODE_LENGTH, DISTRICT_CODE, DISTRICT_NAME, type GridLevel } from '../../shared/grid'
import { getJson } from '../api'

export interface GridProps {
  code: string
  name: string
  level: GridLevel
  parent: string | null
  kind?: string
  i: number
}
export type MapLevel = 1 | 2 | 3 | 4 | 5
export const MAP_LEVELS: MapLevel[] = [1, 2, 3, 4, 5]

export interface GridAtlas {
  /** Length of every per-grid array: max stable index + 1. */
  size: number
  code: string[]
  name: string[]
  level: Int8Array
  kind: (string | undefined)[]
  indexOf: Map<string, number>
  /** minLon, minLat, maxLon, maxLat per index. */
  bbox: Float64Array
  /** Label point (lon, lat) per index. */
  center: Float64Array
  areaKm2: Float32Array
  /** Stable indices of each level, ascending. */
  indices: Record<MapLevel, Int32Array>
  polygons: Record<MapLevel, FeatureCollection<Polygon | MultiPolygon, GridProps>>
  /** Shared borders, one line per edge (no double strokes). */
  borders: Record<MapLevel, MultiLineString>
  extent: [number, number, number, number]
}

const OBJECT: Record<MapLevel, string> = { 1: 'l1', 2: 'l2', 3: 'l3', 4: 'l4', 5: 'special' }

const KM_PER_DEG_LAT = 110.57
/** Planar area of a ring in km² (an equirectangular projection is exact enough at district scale). */
function ringArea(ring: Position[], kx: number): number {
  let s = 0
  for (let k = 0, j = ring.length - 1; k < ring.length; j = k++) s += (ring[j][0] + ring[k][0]) * (ring[j][1] - ring[k][1])
  return Math.abs(s / 2) * kx * KM_PER_DEG_LAT
}

/** Every arc of the topology decoded once (quantized deltas → lon/lat). */
function decodeArcs(topology: Topology): Position[][] {
  const t = transform(topology.transform ?? null)
  return topology.arcs.map((arc) => arc.map((p, k) => t(p, k > 0) as Position))
}

/**
 * The borders of one level as lines, each shared edge once: the arcs its polygons use. (topojson's mesh
 * does the same with per-arc bookkeeping that costs ~0.3 s for the micro grids; a set of arc ids is enough.)
 */
function levelBorders(object: GeometryCollection, arcs: Position[][]): MultiLineString {
  const used = new Set<number>()
  const walk = (a: unknown): void => {
    if (typeof a === 'number') used.add(a < 0 ? ~a : a)
    else if (Array.isArray(a)) for (const x of a) walk(x)
  }
  for (const g of object.geometries) walk((g as { arcs?: unknown }).arcs)
  return { type: 'MultiLineString', coordinates: [...used].map((k) => arcs[k]) }
}

const nextTask = () => new Promise<void>((r) => setTimeout(r, 0))

/**
 * Decode the atlas level by level, yielding to the event loop in between: the live snapshot arriving
 * meanwhile is handled at once instead of waiting for the whole geometry.
 */
export async function buildAtlas(topology: Topology): Promise<GridAtlas> {
  const polygons = {} as GridAtlas['polygons']
  const borders = {} as GridAtlas['borders']
  let size = 0
  const arcs = decodeArcs(topology)
  for (const level of MAP_LEVELS) {
    await nextTask()
    const object = topology.objects[OBJECT[level]] as GeometryCollection<GridProps> | undefined
    if (!object) {
      polygons[level] = { type: 'FeatureCollection', features: [] }
      borders[level] = { type: 'MultiLineString', coordinates: [] }
      continue
    }
    polygons[level] = feature(topology, object) as FeatureCollection<Polygon | MultiPolygon, GridProps>
    borders[level] = levelBorders(object, arcs)
    for (const f of polygons[level].features) size = Math.max(size, f.properties.i + 1)
  }
  await nextTask()
  size = Math.max(size, 1)
  const atlas: GridAtlas = {
    size, code: new Array(size).fill(''), name: new Array(size).fill(''), level: new Int8Array(size).fill(-1),
    kind: new Array(size), indexOf: new Map(), bbox: new Float64Array(size * 4), center: new Float64Array(size * 2),
    areaKm2: new Float32Array(size), indices: {} as GridAtlas['indices'], polygons, borders,
    extent: [Infinity, Infinity, -Infinity, -Infinity],
  }
  const e = atlas.extent
  for (const level of MAP_LEVELS) {
    const list: number[] = []
    for (const f of polygons[level].features) {
      const p = f.properties
      const i = p.i
      list.push(i)
      atlas.code[i] = p.code
      atlas.name[i] = p.name
      atlas.level[i] = level
      atlas.kind[i] = p.kind
      atlas.indexOf.set(p.code, i)
      f.id = i
      let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity]
      let area = 0
      let best = -1
      const rings = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates
      for (const poly of rings) {
        for (const pt of poly[0]) {
          if (pt[0] < x0) x0 = pt[0]
          if (pt[1] < y0) y0 = pt[1]
          if (pt[0] > x1) x1 = pt[0]
          if (pt[1] > y1) y1 = pt[1]
        }
        const kx = 111.32 * Math.cos((poly[0][0][1] * Math.PI) / 180)
        const a = ringArea(poly[0], kx) - poly.slice(1).reduce((s, h) => s + ringArea(h, kx), 0)
        area += a
        // Label at the centroid of the largest part: grids are compact cells, so it lies inside.
        if (a > best) {
          best = a
          const c = centroid(poly[0])
          atlas.center[2 * i] = c[0]
          atlas.center[2 * i + 1] = c[1]
        }
      }
      atlas.bbox.set([x0, y0, x1, y1], 4 * i)
      atlas.areaKm2[i] = area
      if (level === 1) {
        e[0] = Math.min(e[0], x0), e[1] = Math.min(e[1], y0), e[2] = Math.max(e[2], x1), e[3] = Math.max(e[3], y1)
      }
    }
    atlas.indices[level] = Int32Array.from(list.sort((a, b) => a - b))
  }
  // The district itself has no polygon of its own on the map, but it is the root of every breadcrumb.
  if (!atlas.indexOf.has(DISTRICT_CODE)) atlas.indexOf.set(DISTRICT_CODE, -1)
  return atlas
}

function centroid(ring: Position[]): [number, number] {
  let a = 0, cx = 0, cy = 0
  for (let k = 0, j = ring.length - 1; k < ring.length; j = k++) {
    const f = ring[j][0] * ring[k][1] - ring[k][0] * ring[j][1]
    a += f
    cx += (ring[j][0] + ring[k][0]) * f
    cy += (ring[j][1] + ring[k][1]) * f
  }
  return a === 0 ? [ring[0][0], ring[0][1]] : [cx / (3 * a), cy / (3 * a)]
}

/** Display name of any code, the district included. Micro grids carry plain numbers ("第3微网格"), so
 *  they are named with their community. */
export function gridName(atlas: GridAtlas | null, code: string): string {
  if (code === DISTRICT_CODE) return DISTRICT_NAME
  const i = atlas?.indexOf.get(code)
  if (i === undefined || i < 0) return code
  if (atlas!.level[i] !== 4) return atlas!.name[i]
  const community = atlas!.indexOf.get(code.slice(0, CODE_LENGTH[2]))
  return community !== undefined && community >= 0 ? `${atlas!.name[community]}·${atlas!.name[i]}` : atlas!.name[i]
}

let cached: Promise<GridAtlas> | null = null

/**
 * The atlas, loaded once per page (the wall and the tablet share it). The download starts at once; the
 * decoding (a few hundred ms of main-thread work) waits for `after` — the first live frame — for at most
 * `maxWaitMs`, so the live numbers are never queued behind the geometry on a busy screen.
 */
export function useGridAtlas(o: { after?: Promise<unknown>; maxWaitMs?: number } = {}): {
  atlas: ShallowRef<GridAtlas | null>
  error: ShallowRef<string | null>
  ready: Promise<GridAtlas>
} {
  const atlas = shallowRef<GridAtlas | null>(null)
  const error = shallowRef<string | null>(null)
  if (!cached) {
    const topology = getJson<Topology>('/api/grids')
    const turn = o.after ? Promise.race([o.after, new Promise((r) => setTimeout(r, o.maxWaitMs ?? 1500))]) : Promise.resolve()
    cached = Promise.all([topology, turn]).then(([t]) => buildAtlas(t))
  }
  cached.then((a) => (atlas.value = a)).catch((e: Error) => {
    cached = null
    error.value = e.message
  })
  return { atlas, error, ready: cached }
}
