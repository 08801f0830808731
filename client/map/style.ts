// The map's style: a background and the grid polygons, nothing from outside the page's origin (no tiles,
// glyphs or sprites). Colour comes from feature-state `b` (a class index) so recolouring never touches
// the geometry; the palette depends on the metric kind.
import type { ExpressionSpecification, StyleSpecification, LayerSpecification, FilterSpecification } from 'maplibre-gl'
import type { GridAtlas, MapLevel } from './useGridAtlas'
import { ancestorCode, CODE_LENGTH } from '../../shared/grid'

export const MAP_METRICS = ['density', 'open', 'overdue', 'closureRate', 'satisfaction'] as const
export type MapMetric = (typeof MAP_METRICS)[number]
export const isRateMetric = (m: MapMetric) => m === 'closureRate' || m === 'satisfaction'

/** Counts: cold to hot. */
export const COUNT_COLOURS = ['#0f2d57', '#134b8a', '#1a6bb8', '#2596d8', '#48c3e6', '#f2c14e', '#ff6b4a']
/** Rates (higher is better): red to green over fixed breaks. */
export const RATE_COLOURS = ['#e8404f', '#ff7a45', '#ffb547', '#dfe06a', '#86d99c', '#3cc98c', '#17a673']
/** Per-mille breaks for rates: <80%, 80–90, 90–95, 95–97, 97–98, 98–99, ≥99%. */
export const RATE_BREAKS = [800, 900, 950, 970, 980, 990]
export const NO_DATA = 'rgba(96, 118, 150, 0.22)'

export const BACKGROUND = '#040b17'
/** The label layers' text at the size token's 16 px (size and halo in px); a map in pieces places its
 *  labels with these (pieceLabels.ts). */
export const LABEL_TEXT = { 1: { size: 13, halo: 1.4 }, 2: { size: 11, halo: 1.2 } } as const
export const LABEL_PADDING = 2
export const sourceId = (level: MapLevel) => `grids-${level}`
export const fillId = (level: MapLevel) => `fill-${level}`

export function fillColour(metric: MapMetric): ExpressionSpecification {
  const colours = isRateMetric(metric) ? RATE_COLOURS : COUNT_COLOURS
  return ['match', ['coalesce', ['feature-state', 'b'], -1], ...colours.flatMap((c, k) => [k, c]), NO_DATA] as unknown as ExpressionSpecification
}

/** Ordinary grids whose code starts with the scope (the scope's subtree). */
export const inScope = (scope: string): FilterSpecification => ['==', ['index-of', scope, ['get', 'code']], 0]

export function blankStyle(): StyleSpecification {
  return { version: 8, sources: {}, layers: [{ id: 'background', type: 'background', paint: { 'background-color': BACKGROUND } }] }
}

/** Sources and layers for the atlas; `k` scales line widths with the size token (1 at 1920×1080). `labels`:
 *  the label points this map draws, when not every grid's (a piece of a wall's map, pieceLabels.ts). */
export function gridLayers(atlas: GridAtlas, metric: MapMetric, scope: string, k: number, labels: unknown = labelPoints(atlas)) {
  const sources: Record<string, unknown> = {}
  const layers: LayerSpecification[] = []
  for (const level of [1, 2, 3, 4, 5] as MapLevel[])
    sources[sourceId(level)] = { type: 'geojson', data: atlas.polygons[level], promoteId: 'i', buffer: 4, tolerance: 0.3 }
  for (const level of [1, 2, 3, 4] as MapLevel[])
    sources[`mesh-${level}`] = { type: 'geojson', data: { type: 'Feature', properties: {}, geometry: atlas.borders[level] }, tolerance: 0.3 }
  sources.labels = { type: 'geojson', data: labels }
  sources.focus = { type: 'geojson', data: { type: 'FeatureCollection', features: [] } }
  sources.spot = { type: 'geojson', data: { type: 'FeatureCollection', features: [] } }

  // The district under everything, so grids outside the scope stay visible as dim context.
  layers.push({ id: 'base', type: 'fill', source: sourceId(1), paint: { 'fill-color': '#0a1a31', 'fill-outline-color': 'rgba(0,0,0,0)' } })
  for (const level of [1, 2, 3, 4] as MapLevel[])
    layers.push({
      id: fillId(level), type: 'fill', source: sourceId(level), filter: inScope(scope),
      paint: {
        'fill-color': fillColour(metric),
        'fill-opacity': ['case', ['boolean', ['feature-state', 'hover'], false], 1, 0.86],
        'fill-outline-color': 'rgba(0,0,0,0)',
      },
    })
  // The micro grids are always drawn: the basemap is the grid itself.
  layers.push({ id: 'mesh-4', type: 'line', source: 'mesh-4', paint: { 'line-color': 'rgba(150, 200, 255, 0.2)', 'line-width': 0.5 * k } })
  layers.push({ id: 'mesh-3', type: 'line', source: 'mesh-3', paint: { 'line-color': 'rgba(160, 210, 255, 0.32)', 'line-width': 0.8 * k } })
  layers.push({ id: 'mesh-2', type: 'line', source: 'mesh-2', paint: { 'line-color': 'rgba(170, 220, 255, 0.5)', 'line-width': 1.1 * k } })
  layers.push({ id: 'mesh-1', type: 'line', source: 'mesh-1', paint: { 'line-color': 'rgba(120, 220, 255, 0.85)', 'line-width': 1.6 * k } })
  layers.push({
    id: 'special', type: 'line', source: sourceId(5), filter: inScope(scope.length > CODE_LENGTH[0] ? ancestorCode(scope, 0) : scope),
    paint: { 'line-color': '#c7a6ff', 'line-width': 1 * k, 'line-dasharray': [2, 1.5], 'line-opacity': 0.85 },
  })
  layers.push({ id: 'focus', type: 'line', source: 'focus', paint: { 'line-color': '#ffffff', 'line-width': 2.4 * k, 'line-blur': 0.6 * k } })
  layers.push({ id: 'spot', type: 'line', source: 'spot', paint: { 'line-color': '#ff5a5f', 'line-width': 3 * k, 'line-blur': 1 * k } })
  layers.push({
    id: 'labels-1', type: 'symbol', source: 'labels', filter: ['==', ['get', 'level'], 1],
    layout: { 'text-field': ['get', 'name'], 'text-size': LABEL_TEXT[1].size * k, 'text-allow-overlap': false, 'text-padding': LABEL_PADDING },
    paint: { 'text-color': '#eaf6ff', 'text-halo-color': 'rgba(3, 10, 22, 0.9)', 'text-halo-width': LABEL_TEXT[1].halo * k },
  })
  layers.push({
    id: 'labels-2', type: 'symbol', source: 'labels', filter: ['==', ['get', 'level'], 2],
    layout: { 'text-field': ['get', 'name'], 'text-size': LABEL_TEXT[2].size * k, 'text-padding': LABEL_PADDING },
    paint: { 'text-color': '#d2e6ff', 'text-halo-color': 'rgba(3, 10, 22, 0.9)', 'text-halo-width': LABEL_TEXT[2].halo * k },
  })
  return { sources, layers }
}

function labelPoints(atlas: GridAtlas) {
  const features = []
  for (const level of [1, 2] as MapLevel[])
    for (const i of atlas.indices[level])
      features.push({
        type: 'Feature' as const,
        properties: { name: atlas.name[i], code: atlas.code[i], level },
        geometry: { type: 'Point' as const, coordinates: [atlas.center[2 * i], atlas.center[2 * i + 1]] },
      })
  return { type: 'FeatureCollection' as const, features }
}
