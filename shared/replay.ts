// The replay protocol: a screen (or a whole wall) leaves live mode and watches the district as it stood at
// a past moment, played forward. Frames are the live ones (snapshot, delta; shared/protocol and wire); only
// these commands and the status are new. Pure: no I/O.
import type { Window } from './protocol'

export const REPLAY_EVENTS = {
  /** client → server: a ReplayCommand, answered by ack(ReplayAck). */
  command: 'replay',
  /** server → client: ReplayStatus whenever it changes (null: the replay ended; the screen is live again). */
  status: 'replay:status',
} as const

export const MIN_SPEED = 1
export const MAX_SPEED = 3600
/** Speeds the controls offer. */
export const SPEEDS = [1, 10, 60, 300, 600, 3600] as const

export type ReplayCommand =
  /** Leave live mode at `at` (ms), optionally only up to `until`, watching `scope` in `window`. */
  | { op: 'start'; at: number; until?: number | null; speed?: number; scope: string; window: Window; play?: boolean }
  | { op: 'play' }
  | { op: 'pause' }
  /** Move on by `ms` of replayed time (default: one second of play at the current speed). */
  | { op: 'step'; ms?: number }
  | { op: 'seek'; at: number }
  | { op: 'speed'; speed: number }
  /** Another scope or window within the replay. */
  | { op: 'view'; scope: string; window: Window }
  /** Back to live. */
  | { op: 'stop' }

export interface ReplayStatus {
  /** The replayed moment (ms). */
  at: number
  /** Where the replay started (the chosen moment, or the start of the chosen interval). */
  from: number
  speed: number
  playing: boolean
  /** The end of the chosen interval, or null (up to the present). */
  until: number | null
  scope: string
  window: Window
  /** The first moment of the log, and where this replay must stop (the end of the interval or now). */
  logStart: number
  end: number
}

export type ReplayAck = { ok: true; status: ReplayStatus | null } | { ok: false; error: string }

/** Something worth jumping to on the timeline. */
export interface TimelineMark {
  at: number
  kind: 'spike' | 'red'
  grid: string
  gridName: string
  text: string
}

/** Cases received per hour over an interval, with the alerts a replay would raise. */
export interface Timeline {
  from: number
  to: number
  /** Start of the first hour; one count per hour after it. */
  start: number
  received: number[]
  marks: TimelineMark[]
}
