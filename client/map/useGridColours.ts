// The choropleth on the map: which level of detail the zoom shows (Lod) and the colour class of every grid
// on it (Choropleth, through feature-state), for each piece of the map. Grid values recolour only what
// changed; a new metric swaps the fill expression and recolours; a new scope refilters and recolours; the
// class breaks are re-derived every few minutes because counts grow through the day.
import { ref, shallowRef, watch } from 'vue'
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
  const pieces: { m: MapLibre; choro: Choropleth; lod: Lod }[] = []

  /** Follow the zoom: switch the painted level when it crosses a threshold (every piece has the same zoom). */
  function onZoom() {
    if (!pieces.length) return
    const l = pieces[0].lod.levelAt(view.zoom())
    if (l === level.value) return
    level.value = l
    for (const p of pieces) {
      p.choro.level = l
      p.choro.paint(null)
    }
    breaks.value = pieces[0].choro.breaks[l]
  }

  /** Level thresholds are relative to the zoom that fits the district in the whole map. */
  function calibrateLod() {
    if (!pieces.length) return
    const z = view.zoomFor(o.atlas().extent as [number, number, number, number])
    for (const p of pieces) p.lod.calibrate(z)
    onZoom()
  }

  /** Apply grid values on every piece: the changed grids only, or everything (with new class breaks). */
  function paint(values: GridValuesView['values'], changed: Int32Array | null) {
    for (const { choro } of pieces) {
      choro.setValues(values)
      if (changed === null) choro.calibrate()
      choro.paint(changed)
    }
    if (changed === null && pieces.length) breaks.value = pieces[0].choro.breaks[level.value]
  }
  const recolour = (changed: Int32Array | null) => paint(o.grids().values, changed)

  view.onLoad((m) => {
    const lod = new Lod(m)
    lod.scope(o.scope())
    const choro = new Choropleth(m, o.atlas(), level.value)
    choro.metric = o.metric()
    choro.scope = o.scope()
    pieces.push({ m, choro, lod })
    // The first view may be deep (a URL pinned to a street): the level of detail comes from its zoom.
    lod.calibrate(view.zoomFor(o.atlas().extent as [number, number, number, number]))
    level.value = lod.levelAt(view.zoom())
    choro.level = level.value
    choro.setValues(o.grids().values)
    choro.calibrate()
    choro.paint(null)
    breaks.value = choro.breaks[level.value]
    m.on('zoomend', onZoom)
  })
  view.onResize(calibrateLod)

  watch(o.grids, (g) => recolour(g.changed))
  watch(o.metric, (mt) => {
    for (const { m, choro } of pieces) {
      choro.metric = mt
      for (const l of [1, 2, 3, 4] as MapLevel[]) m.setPaintProperty(fillId(l), 'fill-color', fillColour(mt))
    }
    recolour(null)
  })
  watch(o.scope, (s) => {
    for (const { lod, choro } of pieces) {
      lod.scope(s)
      choro.scope = s
    }
    recolour(null)
  })
  useInterval(() => o.active() && recolour(null), 5 * 60_000)

  return { level, breaks, onZoom, paint, choropleth: () => pieces[0]?.choro ?? null, lod: () => pieces[0]?.lod ?? null }
}
