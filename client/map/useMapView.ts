// The map's lifecycle: one MapLibre instance per component, created on mount over a blank style, kept out
// of Vue reactivity, given the grid's sources and layers on load, re-fitted to the scope when its box
// changes, and removed on unmount. Other map composables hook in through onLoad and onResize.
import { markRaw, onBeforeUnmount, onMounted, shallowRef, type Ref, type ShallowRef } from 'vue'
import * as maplibregl from 'maplibre-gl'
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url'
import { tally } from '../debug'
import { blankStyle, gridLayers, type MapMetric } from './style'
import { bboxOf } from './shapes'
import type { GridAtlas } from './useGridAtlas'

export interface MapViewOptions {
  container: Ref<HTMLElement | null>
  atlas: () => GridAtlas
  scope: () => string
  metric: () => MapMetric
  /** The size token (CSS px per rem): paddings and line widths follow it. */
  rem: Ref<number>
}

export interface MapView {
  map: ShallowRef<maplibregl.Map | null>
  /** Space kept free around a fitted grid, in CSS px. */
  padding: () => number
  /** Fit a grid (or the whole atlas) into the box. */
  fit: (code: string, o?: { padding?: number; duration?: number; maxZoom?: number }) => void
  /** Run once the style has loaded and the grid layers are in, in the order registered. */
  onLoad: (fn: (m: maplibregl.Map) => void) => void
  /** Run after the box changed and the scope was re-fitted. */
  onResize: (fn: () => void) => void
}

export function useMapView(o: MapViewOptions): MapView {
  const map = shallowRef<maplibregl.Map | null>(null)
  const loaders: ((m: maplibregl.Map) => void)[] = []
  const resizers: (() => void)[] = []
  let observer: ResizeObserver | null = null
  const padding = () => Math.round(o.rem.value * 1.5)
  const fit: MapView['fit'] = (code, f = {}) =>
    // maxZoom only when given: MapLibre takes an explicit undefined as "no zoom at all".
    map.value?.fitBounds(bboxOf(o.atlas(), code), { ...f, padding: f.padding ?? padding(), duration: f.duration ?? 0 })

  onMounted(() => {
    maplibregl.setWorkerUrl(workerUrl)
    const m = markRaw(
      new maplibregl.Map({
        container: o.container.value!,
        style: blankStyle(),
        bounds: bboxOf(o.atlas(), o.scope()),
        fitBoundsOptions: { padding: padding() },
        attributionControl: false,
        dragRotate: false,
        pitchWithRotate: false,
        touchPitch: false,
        renderWorldCopies: false,
        fadeDuration: 0,
        // The tour revisits the same few views all day: one viewport of tiles per source is cache enough, and
        // it keeps memory flat (geojson-vt rebuilds a tile in the worker in well under a frame).
        maxTileCacheZoomLevels: 1,
        localIdeographFontFamily: "'Noto Sans SC', sans-serif",
      }),
    )
    m.touchZoomRotate.disableRotation()
    map.value = m
    tally('maps', 1)
    m.on('load', () => {
      const { sources, layers } = gridLayers(o.atlas(), o.metric(), o.scope(), o.rem.value / 16)
      for (const [id, s] of Object.entries(sources)) m.addSource(id, s as maplibregl.SourceSpecification)
      for (const l of layers) m.addLayer(l)
      for (const fn of loaders) fn(m)
    })
    // A new box (layout settling, a tablet turned) re-fits the scope, so the view never ends up off-centre.
    let box = ''
    observer = new ResizeObserver(([entry]) => {
      const size = `${Math.round(entry.contentRect.width)}x${Math.round(entry.contentRect.height)}`
      if (size === box) return
      box = size
      m.resize()
      fit(o.scope())
      for (const fn of resizers) fn()
    })
    observer.observe(o.container.value!)
  })

  onBeforeUnmount(() => {
    observer?.disconnect()
    if (map.value) {
      map.value.remove()
      map.value = null
      tally('maps', -1)
    }
  })

  return { map, padding, fit, onLoad: (fn) => loaders.push(fn), onResize: (fn) => resizers.push(fn) }
}
