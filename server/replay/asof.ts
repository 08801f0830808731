// The metrics as they stood at a past moment T: the log folded up to T. From the nearest saved midnight
// before T plus the events since (at most a day of the log), or, while the saved days do not reach T yet,
// from a full fold of the log up to T (seconds on three years).
import type Database from 'better-sqlite3'
import type { MetricsEngine } from '../metrics/engine'
import { rebuild } from '../metrics/rebuild'
import type { SavedStates } from './states'
import type { LogFolder } from './tail'

/** Beyond this many days after the nearest saved midnight, a full fold is quicker than the tail. */
export const MAX_TAIL_DAYS = 7

export interface SeekStats {
  /** The saved midnight it started from (a day number), or null for a full fold. */
  from: number | null
  events: number
  ms: number
}

/**
 * Put the state as of `t` into `engine` (whose `now` must already answer `t`), its clock at `t`. The
 * folder's kept case states are dropped: they belonged to another moment.
 */
export function seek(sql: Database.Database, engine: MetricsEngine, states: SavedStates | null, folder: LogFolder, t: number): SeekStats {
  const t0 = performance.now()
  folder.forget()
  const day = states?.load(engine, t) ?? null
  if (day === null || engine.clock.dayOf(t) - day > MAX_TAIL_DAYS) {
    const r = rebuild({ $client: sql }, engine, Number.MAX_SAFE_INTEGER, t)
    engine.setClock(t)
    return { from: null, events: r.events, ms: performance.now() - t0 }
  }
  const events = folder.fold(engine.clock.dayStart(day) - 1, t)
  return { from: day, events, ms: performance.now() - t0 }
}
