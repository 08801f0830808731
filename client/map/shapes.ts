// A grid's shapes from the atlas, in the forms MapLibre takes: its bounding box and its polygon.
import type { LngLatBoundsLike } from 'maplibre-gl'
import type { GridAtlas, MapLevel } from './useGridAtlas'

export const NOTHING = { type: 'FeatureCollection' as const, features: [] }

/** The grid's bounding box; the whole atlas for an unknown code. */
export function bboxOf(atlas: GridAtlas, code: string): LngLatBoundsLike {
  const i = atlas.indexOf.get(code)
  if (i === undefined || i < 0) return atlas.extent as [number, number, number, number]
  const b = atlas.bbox.subarray(4 * i, 4 * i + 4)
  return [b[0], b[1], b[2], b[3]]
}

/** The grid's polygon feature, or null when the atlas does not hold it. */
export function featureOf(atlas: GridAtlas, code: string) {
  const i = atlas.indexOf.get(code) ?? -1
  if (i < 0) return null
  return atlas.polygons[atlas.level[i] as MapLevel].features.find((f) => f.properties.i === i) ?? null
}
