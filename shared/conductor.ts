// The wall conductor's protocol (over the /live Socket.IO connection): the browsers of one wall join its
// room and share one state (where it points, the map camera, the tour step, a drill-down, an alert takeover),
// which the server holds and broadcasts. A change carries an apply-at time on the server's clock, so every
// browser of the wall applies it at the same moment (each knows its offset from the join answer). Pure.
import type { GridMetric, Window } from './protocol'

export const WALL_EVENTS = {
  join: 'wall:join', // (name, ack(WallJoinAck)): join a wall's room; the answer holds its current state
  set: 'wall:set', // (WallShared patch, ack(WallSetAck)): a browser of the wall changes what all of them share
  state: 'wall:state', // server → browsers: WallChange
  time: 'wall:time', // (ack(serverNow)): the server's clock; a browser takes its offset from the quickest of a few
} as const

/** How far ahead of now a change is to be applied: enough for a broadcast to reach every browser. */
export const APPLY_LEAD_MS = 120

export interface MapCamera {
  lon: number
  lat: number
  zoom: number
  /** The grid outlined at this camera (an alert the wall looks at), if any. */
  grid?: string | null
}

/** What the browsers of a wall share and change among themselves. */
export interface WallShared {
  camera?: MapCamera | null
  tourStep?: number
  /** A grid drilled into (inside the wall's scope), or null. */
  drill?: string | null
  /** The alert (its id) that has taken the wall over, or null. */
  takeover?: string | null
  /** A window button or the map legend on one browser changes them for the whole wall. */
  window?: Window
  metric?: GridMetric
  /** Input on any browser holds the whole wall's tour until then (server clock, ms): the tour is the wall's. */
  tourHeldUntil?: number
}

/** What a control key sends a wall to (大屏联动). */
export interface WallDrive {
  scope?: string
  window?: Window
  metric?: GridMetric
  /** The case (id) to show, or null. */
  case?: number | null
}

/** The longest a browser may hold the wall's tour from now (ms): a stuck browser cannot stop it for a day. */
export const MAX_TOUR_HOLD_MS = 10 * 60_000

export interface WallState extends WallShared {
  scope: string
  window: Window
  metric: GridMetric
  case: number | null
  /** Who drives the wall from a tablet, and until when (ms) before it returns to the tour; null = the tour. */
  driver: { name: string; until: number } | null
  /** Grows with every change, so a browser ignores a late older one. */
  version: number
}

export interface WallChange {
  state: WallState
  /** Server clock (ms) at which every browser applies it. */
  applyAt: number
}

export type WallJoinAck = { ok: true; change: WallChange; serverNow: number } | { ok: false; error: string }
export type WallSetAck = { ok: true } | { ok: false; error: string }
