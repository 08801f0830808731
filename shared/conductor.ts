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
  /** Not shared but reported: how long drawing holds this browser's page (its recent worst, ms). The wall's
   *  frame lead follows its slowest browser (frameLeadFor). `browser`: its number in the wall (0: the whole). */
  hold?: { browser: number; ms: number }
}

/**
 * When the browsers of a wall apply a live frame: `ms` after the server built it (server clock), so that each
 * has it by then and none is still busy drawing. Frames built before `since` keep the lead before it (`before`):
 * a new lead starts only once every browser has it.
 */
export interface FrameLead {
  ms: number
  since: number
  before: number
}

/**
 * The frame lead's bounds (ms). A wall starts at `start` until its browsers have reported how long drawing holds
 * them. `base` covers delivery to every browser (3 ms on loopback, tens on a busy LAN); the slowest browser's
 * worst hold comes on top, because a map frame that began just before a live frame arrived holds the page until
 * it is done. On a wall PC with a GPU a map frame holds a few ms and the lead stays near `base`; without one
 * (SwiftShader, 2 shared cores) holds of 100–900 ms were measured, and a lead shorter than that left frames
 * applied hundreds of ms apart. Never beyond `max`: a wall seconds behind its data is wrong in another way.
 */
export const FRAME_LEAD = { start: 500, base: 200, max: 2000, step: 50 } as const
/** A lead comes down only when the need is this much lower (the worst hold wanders between reports). */
const LEAD_SLACK_MS = 150

/** The lead that covers the slowest browser's hold, or null to keep `current`. */
export function frameLeadFor(holds: readonly number[], current: number): number | null {
  const worst = Math.max(0, ...holds)
  const need = Math.min(FRAME_LEAD.max, Math.ceil((FRAME_LEAD.base + worst) / FRAME_LEAD.step) * FRAME_LEAD.step)
  return need > current || need < current - LEAD_SLACK_MS ? need : null
}

/** A wall moves its map camera in flights while its slowest browser draws a map frame within this (ms); beyond,
 *  in cuts: without a GPU a flight of 2.5 s is drawn as a handful of frames that each hold the page for hundreds
 *  of ms, a stutter that also keeps live frames waiting. All browsers decide alike, from the wall's lead. */
const FLIGHT_HOLD_MS = 100
export const flies = (lead: FrameLead): boolean => lead.ms <= FRAME_LEAD.base + FLIGHT_HOLD_MS

/** The steps a slow wall may work in (ms): each divides the kiosk tour's 12 s, so a tour stop falls on a step. */
const STEPS_MS = [400, 500, 600, 750, 1000, 1200, 1500, 2000, 2400, 3000]
/** A step leaves this much room (ms) beyond the slowest browser's worst hold: the frames applied at its start. */
const STEP_ROOM_MS = 100

/**
 * A wall that cuts (see flies) works in steps on the server's clock (0: it does not): at each step its browsers
 * apply the live frames due and then draw their maps, all at once, and a map frame, however slow, is done
 * before the next step. Traced without a GPU, a map frame drawn between two live frames held the page 300–
 * 1000 ms, varying so much from frame to frame that no estimate kept it clear of the next frame's moment.
 */
export function stepOf(leadMs: number): number {
  if (leadMs <= FRAME_LEAD.base + FLIGHT_HOLD_MS) return 0
  const need = leadMs - FRAME_LEAD.base + STEP_ROOM_MS
  return STEPS_MS.find((s) => s >= need) ?? STEPS_MS[STEPS_MS.length - 1]
}

/** The lead of a frame the server built at `at`. */
export const leadOf = (lead: FrameLead, at: number): number => (at >= lead.since ? lead.ms : lead.before)

const gcd = (a: number, b: number): number => (b ? gcd(b, a % b) : a)

/**
 * A wall's steps as one grid on the server's clock, the same for its live frames and its map: the old lead's
 * steps (`before`, ms; 0: none) until `at`, the new lead's (`after`) from there. `at` falls on both, the first
 * such moment from `since`: frames built before `since` are due after it, on whichever steps hold at their due
 * time, and the map draws on the same ones (traced: a frame due on the old steps while the map drew on the new
 * was applied 194 ms apart on two browsers).
 */
export function stepGrid(lead: FrameLead): { before: number; after: number; at: number } {
  const before = stepOf(lead.before)
  const after = stepOf(lead.ms)
  const both = before && after ? (before * after) / gcd(before, after) : before || after
  return { before, after, at: both ? Math.ceil(lead.since / both) * both : lead.since }
}

/** The step length at `t` (server clock; 0: the wall does not step then). */
export function stepAt(lead: FrameLead, t: number): number {
  const grid = stepGrid(lead)
  return t < grid.at ? grid.before : grid.after
}

/** From when the lead before the last switch no longer matters: its frames are applied and its steps are over. */
export function leadSettled(lead: FrameLead): number {
  return Math.max(stepGrid(lead).at, lead.since + lead.before + stepOf(lead.before))
}

/** When (server clock) the wall's browsers apply a live frame the server built at `at`: after its lead, and on a
 *  wall that steps, at the first step from then. */
export function frameDueAt(lead: FrameLead, at: number): number {
  const due = at + leadOf(lead, at)
  const step = stepAt(lead, due)
  return step ? Math.ceil(due / step) * step : due
}

/** A slow wall's steps around `t` (server clock): the last and the next; null when the wall does not step. */
export function stepsAround(lead: FrameLead, t: number): { last: number; next: number } | null {
  const step = stepAt(lead, t)
  if (!step) return null
  const last = Math.floor(t / step) * step
  return { last, next: last + step }
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
  lead: FrameLead
}

export interface WallChange {
  state: WallState
  /** Server clock (ms) at which every browser applies it. */
  applyAt: number
}

export type WallJoinAck = { ok: true; change: WallChange; serverNow: number } | { ok: false; error: string }
export type WallSetAck = { ok: true } | { ok: false; error: string }
