// The map's lifecycle and camera. Usually one MapLibre instance fills the box, is re-fitted to the scope when
// the box changes, and moves with MapLibre's own animations. On a wall the box may be split into pieces (at
// bezels, or beyond the GPU's canvas limit, see pieces.ts): then one instance per piece, all driven from one
// camera so that they read as a single map. Instances are created on mount over a blank style, kept out of
// Vue reactivity, given the grid's layers on load, and removed on unmount. The canvas may be as large as the
// GPU draws (maxCanvasSize up to MAX_TEXTURE_SIZE), so an 8K wall is drawn at full device resolution.
import { computed, markRaw, onBeforeUnmount, onMounted, shallowRef, type Ref, type ShallowRef } from 'vue'
import * as maplibregl from 'maplibre-gl'
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url'
import { tally } from '../debug'
import { blankStyle, gridLayers, type MapMetric } from './style'
import { bboxOf } from './shapes'
import { maxCanvasPx } from './gpu'
import { FramePace, paceRepaints } from './framePace'
import { between, fitCamera, latOf, lngOf, mercX, mercY, pieceCenter, type Camera, type MapRegion } from './pieces'
import type { GridAtlas } from './useGridAtlas'
import { PieceLabels } from './pieceLabels'

export interface MapViewOptions {
  /** The map's box. */
  box: Ref<HTMLElement | null>
  /** One element per piece (a single one filling the box without a region). */
  pieces: Ref<HTMLElement[]>
  /** The pieces and the virtual plane they show, or null for one canvas that follows the box. */
  region: () => MapRegion | null
  atlas: () => GridAtlas
  scope: () => string
  metric: () => MapMetric
  /** The size token (CSS px per rem): paddings and line widths follow it. */
  rem: Ref<number>
  /** When the page's next held live frame is due (Date.now() clock), or null: the map draws around it
   *  (framePace.ts), so the browsers of a wall apply each frame together. */
  frameDue?: () => number | null
  /** Camera moves are cuts (duration 0) while this says so: a wall whose browsers draw slowly. */
  cuts?: () => boolean
  /** A slow wall's steps: the map draws just after each (framePace.ts). */
  steps?: (t: number) => { last: number; next: number } | null
}

type Bounds = [number, number, number, number]
export interface LonLatZoom {
  lon: number
  lat: number
  zoom: number
}
export interface FitOptions {
  padding?: number
  duration?: number
  maxZoom?: number
}

export interface MapView {
  maps: ShallowRef<maplibregl.Map[]>
  /** The first piece (the only one off a wall). */
  map: Readonly<Ref<maplibregl.Map | null>>
  /** Space kept free around a fitted grid, in CSS px. */
  padding: () => number
  /** Fit a grid (or the whole atlas) into the map. */
  fit: (code: string, o?: FitOptions) => void
  /** Fit a lon/lat box. */
  fitBox: (b: Bounds, o?: FitOptions) => void
  /** Jump to a centre and zoom. */
  jumpTo: (center: [number, number], zoom: number) => void
  /** The camera a fit of a lon/lat box gives (a wall shares it, so every browser moves to the same one). */
  cameraFor: (b: Bounds, o?: FitOptions) => LonLatZoom
  /** Move to a camera over `duration` ms. */
  moveTo: (c: LonLatZoom, duration: number) => void
  /** The zoom that fits a lon/lat box into the whole map. */
  zoomFor: (b: Bounds) => number
  zoom: () => number
  /** Where a lon/lat point is drawn, relative to the box (CSS px), or null if no piece shows it. */
  pointOf: (lng: number, lat: number) => { x: number; y: number } | null
  /** A piece's offset in the box (for pointer positions). */
  offsetOf: (m: maplibregl.Map) => { x: number; y: number }
  /** Run for each piece once the style has loaded and the grid layers are in, in the order registered. */
  onLoad: (fn: (m: maplibregl.Map) => void) => void
  /** Run after the box changed and the scope was re-fitted. */
  onResize: (fn: () => void) => void
}

export function useMapView(o: MapViewOptions): MapView {
  const maps = shallowRef<maplibregl.Map[]>([])
  const map = computed(() => maps.value[0] ?? null)
  const loaders: ((m: maplibregl.Map) => void)[] = []
  const resizers: (() => void)[] = []
  let observer: ResizeObserver | null = null
  let cam: Camera | null = null
  let frame = 0
  let unpace: (() => void)[] = []
  /** A map in pieces shares its labels out among them, each wholly inside one (see pieceLabels.ts). */
  let labels: PieceLabels | null = null
  const region = () => o.region()
  const padding = () => Math.round(o.rem.value * 1.5)

  /** Several pieces: place each on the one camera. */
  const apply = (c: Camera) => {
    cam = c
    const r = region()!
    maps.value.forEach((m, k) => m.jumpTo({ center: pieceCenter(c, r, r.pieces[k]), zoom: c.zoom }))
    labels?.update(c, maps.value)
  }
  const ease = (t: number) => (t < 0.5 ? 4 * t * t * t : 1 - (-2 * t + 2) ** 3 / 2)
  /** How long a camera move takes: none while moves are cuts. */
  const span = (ms: number) => (o.cuts?.() ? 0 : ms)
  const moveTo = (to: Camera, duration: number) => {
    cancelAnimationFrame(frame)
    const from = cam ?? to
    if (span(duration) <= 0) return apply(to)
    const t0 = performance.now()
    const step = () => {
      const t = Math.min(1, (performance.now() - t0) / duration)
      apply(between(from, to, ease(t)))
      if (t < 1) frame = requestAnimationFrame(step)
    }
    frame = requestAnimationFrame(step)
  }

  const fitBox: MapView['fitBox'] = (b, f = {}) => {
    const r = region()
    const pad = f.padding ?? padding()
    if (!r) return void map.value?.fitBounds(b, { ...f, padding: pad, duration: span(f.duration ?? 0) }) // maxZoom only when given
    moveTo(fitCamera(b, r.width, r.height, pad, f.maxZoom), f.duration ?? 0)
  }
  const fit: MapView['fit'] = (code, f) => fitBox(bboxOf(o.atlas(), code) as Bounds, f)
  const zoomFor = (b: Bounds) => {
    const r = region()
    if (r) return fitCamera(b, r.width, r.height, padding()).zoom
    const m = map.value!
    return m.cameraForBounds(b, { padding: padding() })?.zoom ?? m.getZoom()
  }
  const jumpTo = (center: [number, number], zoom: number) =>
    region() ? moveTo({ x: mercX(center[0]), y: mercY(center[1]), zoom }, 0) : map.value?.jumpTo({ center, zoom })
  const cameraFor: MapView['cameraFor'] = (b, f = {}) => {
    const r = region()
    const pad = f.padding ?? padding()
    if (r) {
      const c = fitCamera(b, r.width, r.height, pad, f.maxZoom)
      return { lon: lngOf(c.x), lat: latOf(c.y), zoom: c.zoom }
    }
    const m = map.value!
    const c = m.cameraForBounds(b, { padding: pad, maxZoom: f.maxZoom })
    const center = c?.center ? maplibregl.LngLat.convert(c.center) : m.getCenter()
    return { lon: center.lng, lat: center.lat, zoom: c?.zoom ?? m.getZoom() }
  }
  const moveCamera: MapView['moveTo'] = (c, duration) =>
    region() ? moveTo({ x: mercX(c.lon), y: mercY(c.lat), zoom: c.zoom }, duration) : map.value?.easeTo({ center: [c.lon, c.lat], zoom: c.zoom, duration: span(duration) })
  const offsetOf = (m: maplibregl.Map) => {
    const r = region()
    const k = maps.value.indexOf(m)
    return r && k >= 0 ? { x: r.pieces[k].box.x, y: r.pieces[k].box.y } : { x: 0, y: 0 }
  }
  const pointOf = (lng: number, lat: number) => {
    for (const m of maps.value) {
      const p = m.project([lng, lat])
      const c = m.getContainer()
      if (p.x < 0 || p.y < 0 || p.x > c.clientWidth || p.y > c.clientHeight) continue
      const d = offsetOf(m)
      return { x: d.x + p.x, y: d.y + p.y }
    }
    return null
  }

  onMounted(() => {
    maplibregl.setWorkerUrl(workerUrl)
    const r = region()
    const bounds = bboxOf(o.atlas(), o.scope()) as Bounds
    const first = r ? fitCamera(bounds, r.width, r.height, padding()) : null
    const limit = maxCanvasPx()
    labels = r ? new PieceLabels(o.atlas(), r, o.rem.value / 16) : null
    const created = o.pieces.value.map((el, k) => {
      const m = markRaw(
        new maplibregl.Map({
          container: el,
          style: blankStyle(),
          ...(first ? { center: pieceCenter(first, r!, r!.pieces[k]), zoom: first.zoom } : { bounds, fitBoundsOptions: { padding: padding() } }),
          // A wall's pieces follow one camera: no piece may be dragged on its own (clicks still drill).
          interactive: !r,
          attributionControl: false,
          dragRotate: false,
          pitchWithRotate: false,
          touchPitch: false,
          renderWorldCopies: false,
          fadeDuration: 0,
          // Full device pixels up to what the GPU can draw; larger maps are split into pieces (pieces.ts).
          maxCanvasSize: [limit, limit],
          // The tour revisits the same few views all day: one viewport of tiles per source is cache enough, and
          // it keeps memory flat (geojson-vt rebuilds a tile in the worker in well under a frame).
          maxTileCacheZoomLevels: 1,
          localIdeographFontFamily: "'Noto Sans SC', sans-serif",
        }),
      )
      m.touchZoomRotate.disableRotation()
      tally('maps', 1)
      m.on('load', () => {
        const points = labels && cam ? labels.points(cam)[k] : undefined
        const { sources, layers } = gridLayers(o.atlas(), o.metric(), o.scope(), o.rem.value / 16, points)
        for (const [id, s] of Object.entries(sources)) m.addSource(id, s as maplibregl.SourceSpecification)
        for (const l of layers) m.addLayer(l)
        for (const fn of loaders) fn(m)
      })
      return m
    })
    maps.value = created
    const due = o.frameDue
    if (due) {
      const pace = new FramePace()
      unpace = created.map((m) => paceRepaints(m, due, pace, o.steps))
    }
    if (first) cam = first
    if (r) return
    // One canvas: a new box (layout settling, a tablet turned) re-fits the scope, so the view never ends up off-centre.
    let size = ''
    observer = new ResizeObserver(([entry]) => {
      const s = `${Math.round(entry.contentRect.width)}x${Math.round(entry.contentRect.height)}`
      if (s === size) return
      size = s
      map.value!.resize()
      fit(o.scope())
      for (const fn of resizers) fn()
    })
    observer.observe(o.box.value!)
  })

  onBeforeUnmount(() => {
    cancelAnimationFrame(frame)
    observer?.disconnect()
    for (const undo of unpace) undo()
    for (const m of maps.value) {
      m.remove()
      tally('maps', -1)
    }
    maps.value = []
  })

  return {
    maps, map, padding, fit, fitBox, jumpTo, cameraFor, moveTo: moveCamera, zoomFor, pointOf, offsetOf,
    zoom: () => cam?.zoom ?? map.value?.getZoom() ?? 0,
    onLoad: (fn) => loaders.push(fn),
    onResize: (fn) => resizers.push(fn),
  }
}

