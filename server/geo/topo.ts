// Grids as TopoJSON for the browser: shared borders stored once and coordinates quantized, so 6,281 micro
// grids fit in a small download. Properties carry the stable index `i`, the position of the grid in every
// typed array the live frames send.
import { topology } from 'topojson-server'
import type { Feature, FeatureCollection, Geometry } from 'geojson'
import type { GridIndex, GridRow } from './index'

/** Object name per level in the all-levels topology. */
export const LEVEL_OBJECT: Record<number, string> = { 0: 'district', 1: 'l1', 2: 'l2', 3: 'l3', 4: 'l4', 5: 'special' }
export const QUANTIZATION = 1e5

function collection(rows: GridRow[], grids: GridIndex): FeatureCollection {
  return {
    type: 'FeatureCollection',
    features: rows.map(
      (r): Feature => ({
        type: 'Feature',
        geometry: JSON.parse(r.geometry) as Geometry,
        properties: {
          code: r.code, name: r.name, level: r.level, parent: r.parent,
          ...(r.kind ? { kind: r.kind } : {}),
          i: grids.indexOf(r.code) ?? -1,
        },
      }),
    ),
  }
}

/** One level as object `grids`, or (level undefined) every level as objects district, l1…l4, special. */
export function gridTopology(rows: readonly GridRow[], grids: GridIndex, level?: number) {
  const sorted = [...rows].sort((a, b) => (grids.indexOf(a.code) ?? 0) - (grids.indexOf(b.code) ?? 0))
  if (level !== undefined) return topology({ grids: collection(sorted.filter((r) => r.level === level), grids) }, QUANTIZATION)
  const objects: Record<string, FeatureCollection> = {}
  for (const [lv, name] of Object.entries(LEVEL_OBJECT)) {
    const picked = sorted.filter((r) => r.level === Number(lv))
    if (picked.length > 0 || name !== 'district') objects[name] = collection(picked, grids)
  }
  return topology(objects, QUANTIZATION)
}
