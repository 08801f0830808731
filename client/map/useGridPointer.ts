// The pointer on the map: a click on a grid drills the screen's scope to it, and hovering a grid lights it
// (feature-state `hover`) and names it with its value for the metric shown.
import { computed, shallowRef } from 'vue'
import { useI18n } from 'vue-i18n'
import type { Map as MapLibre } from 'maplibre-gl'
import type { GridValuesView } from '../composables/useScreenData'
import { metricValue } from './choropleth'
import { fillId, sourceId, type MapMetric } from './style'
import { gridName, type GridAtlas, type MapLevel } from './useGridAtlas'
import type { MapView } from './useMapView'

export interface GridPointerOptions {
  atlas: () => GridAtlas
  grids: () => GridValuesView
  scope: () => string
  metric: () => MapMetric
  drill: (code: string) => void
}

export function useGridPointer(view: MapView, o: GridPointerOptions) {
  const { t } = useI18n()
  const hover = shallowRef<{ x: number; y: number; i: number } | null>(null)
  let hovered: { m: MapLibre; level: MapLevel; i: number } | null = null

  function setHover(m: MapLibre, i: number | undefined, point?: { x: number; y: number }) {
    if (hovered && (hovered.i !== i || hovered.m !== m)) hovered.m.setFeatureState({ source: sourceId(hovered.level), id: hovered.i }, { hover: false })
    if (i === undefined) {
      hovered = null
      hover.value = null
      return
    }
    hovered = { m, level: o.atlas().level[i] as MapLevel, i }
    m.setFeatureState({ source: sourceId(hovered.level), id: i }, { hover: true })
    // The pointer's place in the whole map's box (a wall's map is several pieces).
    const d = view.offsetOf(m)
    hover.value = { x: d.x + point!.x, y: d.y + point!.y, i }
  }

  view.onLoad((m: MapLibre) => {
    for (const l of [1, 2, 3, 4] as MapLevel[]) {
      m.on('click', fillId(l), (e) => {
        const i = e.features?.[0]?.id
        const a = o.atlas()
        if (typeof i === 'number' && a.code[i] !== o.scope()) o.drill(a.code[i])
      })
      m.on('mousemove', fillId(l), (e) => setHover(m, e.features?.[0]?.id as number | undefined, e.point))
      m.on('mouseleave', fillId(l), () => setHover(m, undefined))
    }
  })

  const hoverText = computed(() => {
    const h = hover.value
    const v = o.grids().values
    if (!h || !v) return null
    const a = o.atlas()
    const metric = o.metric()
    const raw = metricValue(metric, v, a, h.i)
    const value = raw === null ? t('map.noData') : metric === 'density' ? raw.toFixed(1) : metric === 'open' || metric === 'overdue' ? String(raw) : `${(raw / 10).toFixed(1)}%`
    return { name: gridName(a, a.code[h.i]), code: a.code[h.i], value, x: h.x, y: h.y }
  })
  return { hoverText }
}
