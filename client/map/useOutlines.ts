// Outlines drawn over the choropleth: the screen's scope in white (the view follows it), and a spot in red
// for an alert (the map flies there; null clears it and returns to the scope).
import { watch } from 'vue'
import type { GeoJSONSource } from 'maplibre-gl'
import { DISTRICT_CODE } from '../../shared/grid'
import { bboxOf, featureOf, NOTHING } from './shapes'
import type { GridAtlas } from './useGridAtlas'
import type { LonLatZoom, MapView } from './useMapView'

type Bounds = [number, number, number, number]

export function useOutlines(view: MapView, o: { atlas: () => GridAtlas; scope: () => string }) {
  const sources = (id: string) => view.maps.value.map((m) => m.getSource(id) as GeoJSONSource | undefined).filter((s) => !!s)

  function setFocus(code: string) {
    const f = code === DISTRICT_CODE ? null : featureOf(o.atlas(), code)
    for (const s of sources('focus')) s.setData(f ?? NOTHING)
  }
  view.onLoad((m) => {
    const f = o.scope() === DISTRICT_CODE ? null : featureOf(o.atlas(), o.scope())
    ;(m.getSource('focus') as GeoJSONSource).setData(f ?? NOTHING)
  })
  watch(o.scope, (s) => {
    if (!sources('focus').length) return // not loaded yet: the load sets the focus
    setFocus(s)
    view.fit(s, { duration: 1200 })
  })

  /** Where a spot on this grid flies to. */
  const cameraFor = (code: string) => view.cameraFor(bboxOf(o.atlas(), code) as Bounds, { padding: view.padding() * 3, maxZoom: view.zoom() + 3 })

  /** Fly to a grid (to `camera`, when a wall shares where) and outline it in red (an alert), or clear with null. */
  function spot(code: string | null, camera?: LonLatZoom) {
    const spots = sources('spot')
    if (!spots.length) return
    const f = (code && featureOf(o.atlas(), code)) || NOTHING
    for (const s of spots) s.setData(f)
    if (code) view.moveTo(camera ?? cameraFor(code), 1500)
    else view.fit(o.scope(), { duration: 1200 })
  }
  return { spot, cameraFor }
}
