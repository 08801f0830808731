// Read-only probes on window.__onescreen for the e2e tests and the client benchmark: how many charts, maps
// and timers are alive, the live connection, and (from the map) its state and a way to time a recolour.
// Off in production: the probes exist only when the page opts in before the app starts, by defining
// `window.__onescreen = {}` (the e2e harness and bench:client do it in an init script). Without that,
// `debugHook` is null, nothing is counted, and the map's probe module (its own chunk) is never loaded.
// The hook holds counters and callbacks only, never data, so it cannot leak what it observes.
import { decodeGridValues, encodeGridValues } from '../shared/protocol'
import type { FrameLead } from '../shared/conductor'

export interface DebugHook {
  charts: number
  maps: number
  timers: number
  /** Provided by the live screen: status, seq, last frame time. */
  live?: () => { status: string; seq: number; lastFrameAt: number | null; scope: string; window: string; frameAt: number | null; replaying: boolean }
  /** Frames that moved the screen's clock, counted since the screen opened (live or replayed). */
  clockFrames?: number
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
  /** The last frames applied: seq, the moment on the machine's clock (performance.timeOrigin + now), and when
   *  the server built it (server clock). */
  frames?: { seq: number; at: number; built: number | null }[]
  /** Provided by a wall's browser: the wall's shared state it shows, and when it applied it (machine clock); its
   *  clock offset from the server (server minus this page, ms). */
  wall?: () => { version: number; scope: string; window: string; metric: string; driver: string | null; lead: FrameLead; appliedAt: number; applied: { version: number; at: number }[]; offset: number } | null
  /** The last map frames drawn: when each animation frame began (machine clock), how long its scripts ran until
   *  MapLibre's 'render' event (`js`), and how long the page was held from there until the next task (`ms`). */
  mapFrames?: { start: number; js: number; ms: number }[]
  [k: string]: unknown
}

declare global {
  interface Window {
    __onescreen?: DebugHook
  }
}

function install(): DebugHook | null {
  const h = typeof window === 'object' ? window.__onescreen : undefined
  if (!h || typeof h !== 'object') return null
  h.charts = 0
  h.maps = 0
  h.timers = 0
  // The wire codec the live module uses, so the benchmark can time decode + recolour of a real delta.
  h.protocol = { encodeGridValues, decodeGridValues }
  return h
}

/** The probes, or null when the page did not opt in. */
export const debugHook: DebugHook | null = install()

/** Count a live chart, map or timer (for leak checks); a no-op without the probes. */
export function tally(what: 'charts' | 'maps' | 'timers', by: 1 | -1): void {
  if (debugHook) debugHook[what] += by
}
