// Level of detail: which grid level the choropleth shows at a zoom. Thresholds are relative to the zoom
// that fits the whole district in the map's box, so a 4K wall and a tablet switch at the same view:
// the district shows its 17 streets, a street its communities, a community its third-level grids, and
// a third-level grid its micro grids.
import type { FilterSpecification, Map as MapLibre } from 'maplibre-gl'
import { fillId, inScope } from './style'
import type { MapLevel } from './useGridAtlas'

/** Zoom steps above the district fit at which levels 2, 3 and 4 take over. */
const STEPS = [1.3, 2.7, 3.8]

export class Lod {
  thresholds: [number, number, number] = [0, 0, 0]

  constructor(private readonly map: MapLibre) {}

  /** Recompute thresholds from the zoom that fits the district and apply them to the layers. */
  calibrate(districtZoom: number): void {
    this.thresholds = STEPS.map((s) => districtZoom + s) as [number, number, number]
    const [a, b, c] = this.thresholds
    const set = (id: string, min: number, max: number) => this.map.getLayer(id) && this.map.setLayerZoomRange(id, min, max)
    set(fillId(1), 0, a)
    set(fillId(2), a, b)
    set(fillId(3), b, c)
    set(fillId(4), c, 24)
    set('mesh-2', a - 0.6, 24)
    set('mesh-3', b - 0.6, 24)
    set('labels-1', 0, b)
    set('labels-2', a, c)
    set('special', b, 24)
  }

  levelAt(zoom: number): MapLevel {
    const [a, b, c] = this.thresholds
    return zoom < a ? 1 : zoom < b ? 2 : zoom < c ? 3 : 4
  }

  /** Scope filters: the choropleth and labels show the scope's subtree only. */
  scope(scope: string): void {
    for (const id of [fillId(1), fillId(2), fillId(3), fillId(4)]) this.map.setFilter(id, inScope(scope))
    this.map.setFilter('labels-2', ['all', ['==', ['get', 'level'], 2], inScope(scope)] as FilterSpecification)
  }
}
