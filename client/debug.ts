// A small read-only debug hook on window.__onescreen for the e2e tests and the client benchmark:
// how many charts, maps and timers are alive, the live connection, and a way to time a map recolour.
// It holds counters and callbacks only, never data, so it cannot leak what it observes.
import { decodeGridValues, encodeGridValues } from '../shared/protocol'

export interface DebugHook {
  charts: number
  maps: number
  timers: number
  /** Provided by the live screen: status, seq, last frame time. */
  live?: () => { status: string; seq: number; lastFrameAt: number | null; scope: string; window: string }
  /** Provided by the map: the number of polygons carrying a colour (feature-state), per LOD level. */
  mapState?: () => { level: number; coloured: number; total: number; loaded: boolean }
  /** Provided by the map: recolour from full-length arrays, returns script ms. */
  applyGrids?: (values: Record<string, Int32Array>, changed: Int32Array | null) => number
  /** Provided by the map: page coordinates of a grid's label point. */
  gridPoint?: (code: string) => { x: number; y: number } | null
  /** Provided by the map: the live value it holds for a grid and metric. */
  mapValue?: (code: string, metric: string) => number | null
  /** performance.now() when the first live frame reached the screen. */
  firstFrameAt?: number
  [k: string]: unknown
}

declare global {
  interface Window {
    __onescreen?: DebugHook
  }
}

export const debugHook: DebugHook = (window.__onescreen ??= { charts: 0, maps: 0, timers: 0 })
// The wire codec the live module uses, so the benchmark can time decode + recolour of a real delta.
debugHook.protocol = { encodeGridValues, decodeGridValues }
