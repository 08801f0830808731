// Outlines drawn over the choropleth: the screen's scope in white (the view follows it), and a spot in red
// for an alert (the map flies there; null clears it and returns to the scope).
import { watch } from 'vue'
import type { GeoJSONSource } from 'maplibre-gl'
import { DISTRICT_CODE } from '../../shared/grid'
import { featureOf, NOTHING } from './shapes'
import type { GridAtlas } from './useGridAtlas'
import type { MapView } from './useMapView'

export function useOutlines(view: MapView, o: { atlas: () => GridAtlas; scope: () => string }) {
  const source = (id: string) => view.map.value?.getSource(id) as GeoJSONSource | undefined

  function setFocus(code: string) {
    const f = code === DISTRICT_CODE ? null : featureOf(o.atlas(), code)
    source('focus')?.setData(f ?? NOTHING)
  }
  view.onLoad(() => setFocus(o.scope()))
  watch(o.scope, (s) => {
    if (!source('focus')) return // not loaded yet: the load sets the focus
    setFocus(s)
    view.fit(s, { duration: 1200 })
  })

  /** Fly to a grid and outline it in red (an alert), or clear with null. */
  function spot(code: string | null) {
    const m = view.map.value
    const src = source('spot')
    if (!m || !src) return
    src.setData((code && featureOf(o.atlas(), code)) || NOTHING)
    if (code) view.fit(code, { padding: view.padding() * 3, duration: 1500, maxZoom: m.getZoom() + 3 })
    else view.fit(o.scope(), { duration: 1200 })
  }
  return { spot }
}
