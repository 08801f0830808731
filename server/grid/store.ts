// Grid geography in and out of the database: read a TopoJSON topology (the fixture) or a GeoJSON
// FeatureCollection (a user's import) into plain features, and replace the `grids` table with them.
import type { Feature, FeatureCollection, Geometry, MultiPolygon, Polygon, Position } from 'geojson'
import polygonClipping from 'polygon-clipping'
import { feature } from 'topojson-client'
import type { GeometryObject, Topology } from 'topojson-specification'
import { DISTRICT_CODE, DISTRICT_NAME, type GridLevel } from '../../shared/grid'
import { type GridFeature, localPlane } from '../../shared/gridcheck'
import type { Db } from '../db'
import { grids } from '../db/schema'

/** Topology objects in the order the fixture writes them; any other objects follow. */
const OBJECT_ORDER = ['district', 'l1', 'l2', 'l3', 'l4', 'special']

/**
 * Plain grid features from a topology or a FeatureCollection. Properties are taken as given (codes
 * that arrive as numbers become strings, numeric-string levels become numbers); checkGrids judges them.
 */
export function loadGridFeatures(input: unknown): GridFeature[] {
  const doc = input as { type?: unknown }
  if (doc?.type === 'Topology') {
    const topo = input as Topology
    const names = [...OBJECT_ORDER.filter((n) => n in topo.objects), ...Object.keys(topo.objects).filter((n) => !OBJECT_ORDER.includes(n))]
    return names.flatMap((n) => {
      const fc = feature(topo, topo.objects[n] as GeometryObject) as FeatureCollection | Feature
      return (fc.type === 'FeatureCollection' ? fc.features : [fc]).map(toGridFeature)
    })
  }
  if (doc?.type === 'FeatureCollection' && Array.isArray((input as FeatureCollection).features))
    return (input as FeatureCollection).features.map(toGridFeature)
  throw new Error(`expected a GeoJSON FeatureCollection or a TopoJSON Topology, got ${describe(doc)}`)
}

function toGridFeature(f: Feature | null): GridFeature {
  const p = (f?.properties ?? {}) as Record<string, unknown>
  const text = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) ? String(v) : v)
  const level = typeof p.level === 'string' && /^\d+$/.test(p.level) ? Number(p.level) : p.level
  const parent = text(p.parent)
  const out = {
    code: text(p.code),
    name: p.name,
    level,
    parent: parent === undefined || parent === '' ? null : parent,
    geometry: f?.geometry as Polygon | MultiPolygon,
  } as GridFeature
  if (p.kind !== undefined && p.kind !== null) out.kind = p.kind as string
  return out
}

const describe = (v: unknown) => (v && typeof v === 'object' ? `an object of type ${JSON.stringify((v as { type?: unknown }).type ?? null)}` : typeof v)

/** The features plus the district itself (the union of the first-level grids) when it is missing. */
export function withDistrict(features: GridFeature[]): GridFeature[] {
  if (features.some((f) => f.level === 0)) return features
  const streets = features.filter((f) => f.level === 1 && (f.geometry?.type === 'Polygon' || f.geometry?.type === 'MultiPolygon'))
  if (!streets.length) return features
  const polys = streets.map((f) => (f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates) as [number, number][][][])
  const union = polygonClipping.union(polys[0], ...polys.slice(1))
  const geometry: Polygon | MultiPolygon = union.length === 1 ? { type: 'Polygon', coordinates: union[0] } : { type: 'MultiPolygon', coordinates: union }
  return [...features, { code: DISTRICT_CODE, name: DISTRICT_NAME, level: 0 as GridLevel, parent: null, geometry }]
}

/** Area (m²) on the WGS-84 authalic sphere and a label point guaranteed to lie inside the geometry. */
export function measure(g: Polygon | MultiPolygon): { area: number; lon: number; lat: number } {
  const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates
  const areas = polys.map((p) => p.reduce((s, ring, k) => s + (k === 0 ? 1 : -1) * Math.abs(sphericalRingArea(ring)), 0))
  const biggest = polys[areas.indexOf(Math.max(...areas))]
  const first = biggest[0][0]
  const plane = localPlane(first[0], first[1])
  const [x, y] = interiorPoint(biggest.map((r) => r.map(([lon, lat]) => plane.toPlane(lon, lat))))
  const [lon, lat] = plane.toLonLat(x, y)
  return { area: areas.reduce((a, b) => a + b, 0), lon, lat }
}

/**
 * Signed ring area on a sphere of radius 6,371,008 m (the edge-sum formula of Chamberlain & Duquette):
 * a sum over edges, so a tiling's areas add up exactly to its parent's.
 */
function sphericalRingArea(ring: Position[]): number {
  const rad = Math.PI / 180
  let s = 0
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++)
    s += (ring[i][0] - ring[j][0]) * rad * (2 + Math.sin(ring[j][1] * rad) + Math.sin(ring[i][1] * rad))
  return (s * 6_371_008.8 ** 2) / 2
}

/** The middle of the widest span of the polygon along the horizontal line through its centroid. */
function interiorPoint(poly: [number, number][][]): [number, number] {
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
  let best: [number, number] = [a ? cx / (3 * a) : outer[0][0], y]
  let width = -1
  for (let k = 0; k + 1 < xs.length; k += 2)
    if (xs[k + 1] - xs[k] > width) ((width = xs[k + 1] - xs[k]), (best = [(xs[k] + xs[k + 1]) / 2, y]))
  return best
}

/** Coordinates to 1e-7° (~1 cm): shared vertices stay shared, the text shrinks by a third. */
function compact(g: Geometry): string {
  return JSON.stringify(g, (key, v) => (typeof v === 'number' && key !== '' ? Math.round(v * 1e7) / 1e7 : v))
}

/** Replace every row of `grids` (district included) with `features`, in one transaction. */
export function storeGrids(db: Db, features: readonly GridFeature[]): number {
  const rows = withDistrict([...features]).map((f) => {
    const { area, lon, lat } = measure(f.geometry)
    return { code: f.code, name: f.name, level: f.level, parent: f.parent, kind: f.kind ?? null, geometry: compact(f.geometry), lon, lat, area }
  })
  db.transaction((tx) => {
    tx.delete(grids).run()
    for (let i = 0; i < rows.length; i += 500) tx.insert(grids).values(rows.slice(i, i + 500)).run()
  })
  return rows.length
}
