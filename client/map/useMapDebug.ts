// Read-only probes on window.__onescreen for the e2e tests and the client benchmark: the map's state,
// where a grid is on the page, the values it holds, and a way to time a recolour. Removed on unmount.
// GridMap loads this module (its own chunk) only when the page opted in to the probes (see client/debug.ts).
import { onScopeDispose, type Ref } from 'vue'
import type { GridMetric } from '../../shared/protocol'
import type { DebugHook } from '../debug'
import type { Choropleth } from './choropleth'
import type { Lod } from './lod'
import type { GridAtlas, MapLevel } from './useGridAtlas'
import type { MapView } from './useMapView'

export interface MapDebugContext {
  view: MapView
  container: Ref<HTMLElement | null>
  level: Ref<MapLevel>
  atlas: () => GridAtlas
  values: () => Record<GridMetric, Int32Array> | null
  choropleth: () => Choropleth | null
  lod: () => Lod | null
  /** Recolour every piece from these arrays (the changed grids, or all). */
  paint: (values: Record<GridMetric, Int32Array>, changed: Int32Array | null) => void
  onZoom: () => void
}

const PROBES = ['mapState', 'gridPoint', 'gridsShown', 'mapValue', 'probe', 'zoomToLevel', 'mapIdle', 'map', 'mapPieces', 'mapLabels', 'microIndices', 'currentValues', 'applyGrids'] as const

export function useMapDebug(debugHook: DebugHook, ctx: MapDebugContext): void {
  const a = ctx.atlas
  debugHook.mapState = () => ({
    level: ctx.level.value,
    coloured: ctx.choropleth()?.coloured() ?? 0,
    total: a().indices[ctx.level.value].length,
    loaded: ctx.view.maps.value.length > 0 && ctx.view.maps.value.every((m) => m.loaded()) && !!ctx.choropleth(),
  })
  // Where a grid's label point is on the page (for tests that click it) and the value the map holds for it.
  const gridPoint = (code: string) => {
    const i = a().indexOf.get(code)
    if (i === undefined || i < 0 || !ctx.container.value) return null
    const p = ctx.view.pointOf(a().center[2 * i], a().center[2 * i + 1])
    const r = ctx.container.value.getBoundingClientRect()
    return p && { x: r.left + p.x, y: r.top + p.y }
  }
  debugHook.gridPoint = gridPoint
  // The grids of a level whose label points this browser draws (a wall's browser draws only its own pieces),
  // with their page coordinates: tests click one of them.
  debugHook.gridsShown = (level: MapLevel) =>
    [...a().indices[level]].flatMap((i) => {
      const code = a().code[i]
      const p = gridPoint(code)
      return p ? [{ code, ...p }] : []
    })
  debugHook.mapValue = (code: string, metric: string) => {
    const i = a().indexOf.get(code)
    const v = ctx.values() as Record<string, Int32Array> | null
    return i === undefined || i < 0 || !v ? null : (v[metric]?.[i] ?? null)
  }
  // For tests: the street whose label point is nearest the map's centre (clear of the overlays) and one of
  // its micro grids with an interior point.
  debugHook.probe = () => {
    const m = ctx.view.map.value!
    const c = m.getCenter()
    const a = ctx.atlas()
    const d = (i: number) => (a.center[2 * i] - c.lng) ** 2 + (a.center[2 * i + 1] - c.lat) ** 2
    const street = [...a.indices[1]].sort((x, y) => d(x) - d(y))[0]
    const micro = a.indices[4].find((i) => a.code[i].startsWith(a.code[street]))!
    return { street: a.code[street], code: a.code[micro], lon: a.center[2 * micro], lat: a.center[2 * micro + 1] }
  }
  // For the client benchmark: jump to a level of detail, and the map's instance and current arrays.
  debugHook.zoomToLevel = (l: number) => {
    const lod = ctx.lod()
    if (!ctx.view.map.value || !lod) return
    const e = a().extent
    if (l <= 1) ctx.view.fitBox(e as [number, number, number, number])
    else ctx.view.jumpTo([(e[0] + e[2]) / 2, (e[1] + e[3]) / 2], lod.thresholds[l - 2] + 0.2)
    ctx.onZoom()
  }
  // Resolves once the map has rendered everything it needs for the current view (tiles loaded, no motion).
  debugHook.mapIdle = () =>
    Promise.all(
      ctx.view.maps.value.map(
        (m) =>
          new Promise<boolean>((resolve) => {
            m.once('idle', () => resolve(true))
            m.triggerRepaint()
          }),
      ),
    ).then((all) => all.length > 0)
  debugHook.map = () => ctx.view.map.value
  debugHook.mapPieces = () => ctx.view.maps.value.length
  // The labels each piece draws (MapLibre's placed symbols, by grid code), and those whose box reaches past
  // the piece's canvas (a strip just outside each edge): such a label is cut by the canvas edge, on a wall
  // by a bezel. Each piece's rectangle is in page px.
  debugHook.mapLabels = () =>
    ctx.view.maps.value.map((m) => {
      const c = m.getContainer()
      const [w, h, s] = [c.clientWidth, c.clientHeight, 60]
      const layers = ['labels-1', 'labels-2'].filter((id) => m.getLayer(id))
      const codes = (a: [number, number], b: [number, number]) => [...new Set(m.queryRenderedFeatures([a, b], { layers }).map((f) => String(f.properties.code)))]
      const beyond = [
        ...codes([-s, -s], [-1, h + s]),
        ...codes([w + 1, -s], [w + s, h + s]),
        ...codes([-s, -s], [w + s, -1]),
        ...codes([-s, h + 1], [w + s, h + s]),
      ]
      const r = c.getBoundingClientRect()
      return { x: r.left, y: r.top, width: w, height: h, drawn: codes([0, 0], [w, h]), beyond: [...new Set(beyond)] }
    })
  debugHook.microIndices = () => a().indices[4]
  debugHook.currentValues = () => ctx.values()
  debugHook.applyGrids = (values, changed) => {
    if (!ctx.choropleth()) return -1
    const t0 = performance.now()
    ctx.paint(values as Record<GridMetric, Int32Array>, changed)
    return performance.now() - t0
  }
  onScopeDispose(() => {
    for (const k of PROBES) delete debugHook[k]
  })
}
