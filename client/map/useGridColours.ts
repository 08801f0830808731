// The choropleth on the map: which level of detail the zoom shows (Lod) and the colour class of every grid
// on it (Choropleth, through feature-state). Grid values recolour only what changed; a new metric swaps the
// fill expression and recolours; a new scope refilters and recolours; the class breaks are re-derived every
// few minutes because counts grow through the day.
import { ref, shallowRef, watch, type Ref } from 'vue'
import type { Map as MapLibre } from 'maplibre-gl'
import type { GridValuesView } from '../composables/useScreenData'
import { useInterval } from '../composables/useTimers'
import { Choropleth } from './choropleth'
import { Lod } from './lod'
import { fillColour, fillId, type MapMetric } from './style'
import type { GridAtlas, MapLevel } from './useGridAtlas'
import type { MapView } from './useMapView'

export interface GridColourOptions {
  atlas: () => GridAtlas
  grids: () => GridValuesView
  scope: () => string
  metric: () => MapMetric
  /** The screen is shown: no periodic work otherwise. */
  active: () => boolean
}

export function useGridColours(view: MapView, o: GridColourOptions) {
  const level = ref<MapLevel>(1)
  /** The class breaks of the level on screen, for the legend. */
  const breaks = shallowRef<number[]>([])
  let choro: Choropleth | null = null
  let lod: Lod | null = null

  /** Follow the zoom: switch the painted level when it crosses a threshold. */
  function onZoom() {
    const m = view.map.value
    if (!m || !lod || !choro) return
    const l = lod.levelAt(m.getZoom())
    if (l === level.value) return
    level.value = l
    choro.level = l
    breaks.value = choro.breaks[l]
    choro.paint(null)
  }

  /** Level thresholds are relative to the zoom that fits the district in this box. */
  function calibrateLod() {
    const m = view.map.value
    if (!m || !lod) return
    const cam = m.cameraForBounds(o.atlas().extent as [number, number, number, number], { padding: view.padding() })
    lod.calibrate(cam?.zoom ?? m.getZoom())
    onZoom()
  }

  /** Apply grid values: the changed grids only, or everything (with new class breaks) on a full update. */
  function recolour(changed: Int32Array | null) {
    if (!choro) return
    choro.setValues(o.grids().values)
    if (changed === null) {
      choro.calibrate()
      breaks.value = choro.breaks[level.value]
    }
    choro.paint(changed)
  }

  view.onLoad((m: MapLibre) => {
    lod = new Lod(m)
    lod.scope(o.scope())
    choro = new Choropleth(m, o.atlas(), level.value)
    choro.metric = o.metric()
    choro.scope = o.scope()
    // The first view may be deep (a URL pinned to a street): the level of detail comes from its zoom.
    calibrateLod()
    recolour(null)
    m.on('zoomend', onZoom)
  })
  view.onResize(calibrateLod)

  watch(o.grids, (g) => recolour(g.changed))
  watch(o.metric, (mt) => {
    const m = view.map.value
    if (!choro || !m) return
    choro.metric = mt
    for (const l of [1, 2, 3, 4] as MapLevel[]) m.setPaintProperty(fillId(l), 'fill-color', fillColour(mt))
    recolour(null)
  })
  watch(o.scope, (s) => {
    if (!lod || !choro) return
    lod.scope(s)
    choro.scope = s
    recolour(null)
  })
  useInterval(() => o.active() && recolour(null), 5 * 60_000)

  return { level, breaks, onZoom, choropleth: () => choro, lod: () => lod }
}
