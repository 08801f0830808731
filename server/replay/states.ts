// Saved intermediate states: the metrics state as of every local midnight of the log, so the state as of
// any moment is "the nearest midnight before it, then the events since" (at most a day of the log).
//
// Day d's state is every event with at < midnight(d) folded in, on a clock standing at that midnight: the
// typed arrays that define the engine (counters for all time, the 32-day ring, the cross panels, the 64-hour
// ring). Stored as a key frame every KEY_EVERY days and as the sparse difference from the previous day in
// between (server/replay/sparse.ts), in the StateStore beside the database.
//
// A day's state holds only events dated before its midnight; an event that arrives later with an older
// date (an import of past orders) makes every later day stale: `invalidate` drops them and the next
// build writes them again.
import type Database from 'better-sqlite3'
import type { MetricsEngine } from '../metrics/engine'
import type { DistrictClock } from '../../shared/clock'
import { applyDiff, encodeDiff } from './sparse'
import { LogFolder } from './tail'
import type { StateStore, StoreIdentity } from './store'

/** A key frame every this many days; the others are differences (a seek applies at most KEY_EVERY − 1). */
export const KEY_EVERY = 16
/** A day is saved once its midnight is this far behind: later arrivals dated before it are rare. */
export const SETTLE_MS = 3_600_000
const VERSION = 1

/** The engine's own arrays that define its state (the windows follow from the ring). */
export function stateArrays(engine: MetricsEngine): Int32Array[] {
  return [...engine.counters.parts(), ...engine.cross.parts(), ...engine.hours.parts()]
}

/** After the arrays were written in place: move the windows to `t` (slots that left the rings are dropped). */
export function reclock(engine: MetricsEngine, t: number): void {
  const clock = engine.clock
  engine.counters.restore(engine.counters.parts(), clock.dayOf(t))
  engine.cross.restore(engine.cross.parts(), clock.dayOf(t))
  engine.hours.restore(engine.hours.parts(), clock.hourOf(t))
  engine.markAllDirty()
}

/** The log's first event time, or null for an empty log. */
export function logStart(sql: Database.Database): number | null {
  return (sql.prepare('SELECT MIN(at) FROM case_events').pluck().get() as number | null) ?? null
}

export interface BuildStats {
  days: number
  events: number
  bytes: number
  ms: number
}

export class SavedStates {
  /** Bumped by every invalidate: a build under way started from days that may since have been dropped. */
  private generation = 0

  constructor(
    private readonly sql: Database.Database,
    readonly store: StateStore,
  ) {}

  /** What the saved days must have been built from (layout, clock, this log). */
  identity(engine: MetricsEngine): StoreIdentity {
    const first = this.sql.prepare('SELECT id, at FROM case_events ORDER BY id LIMIT 1').get() as { id: number; at: number } | undefined
    return { version: VERSION, fingerprint: engine.layout.fingerprint, utcOffset: engine.clock.offsetMinutes, logStart: first ? `${first.id}@${first.at}` : '' }
  }

  /**
   * Put the state as of the newest saved midnight at or before `t` into `engine` (its clock then stands at
   * `t`). Returns that day, or null when none is saved.
   */
  load(engine: MetricsEngine, t: number): number | null {
    const chain = this.store.chain(engine.clock.dayOf(t))
    if (chain.length === 0) return null
    const arrays = stateArrays(engine)
    for (const a of arrays) a.fill(0)
    for (const d of chain) applyDiff(arrays, d.bytes)
    reclock(engine, t)
    return chain[chain.length - 1].day
  }

  /** Drop the days an event dated `at` should have been part of (every midnight after it). */
  invalidate(at: number, clock: DistrictClock): number {
    this.generation++
    return this.store.dropAfter(clock.dayOf(at))
  }

  /**
   * Save every midnight not saved yet, up to the last one at least SETTLE_MS before `now`, folding the log
   * day by day into `engine` (whose state is overwritten). `stop` is asked between days; a stopped build
   * goes on where it stopped when `resume` is called again (a build of a long history takes seconds).
   */
  build(engine: MetricsEngine, now: number, stop: () => boolean = () => false): BuildStats {
    const b = this.builder(engine, now)
    b.resume(stop)
    return b.stats
  }

  builder(engine: MetricsEngine, now: number): { stats: BuildStats; resume(stop?: () => boolean): boolean } {
    const stats: BuildStats = { days: 0, events: 0, bytes: 0, ms: 0 }
    const start = logStart(this.sql)
    const clock = engine.clock
    const lastDay = clock.dayOf(now - SETTLE_MS)
    const arrays = stateArrays(engine)
    let day: number | null = null
    let prev: Int32Array[] = []
    let folder: LogFolder
    let generation = -1
    const begin = () => {
      generation = this.generation
      const saved = this.store.lastDay()
      day = saved === null ? null : this.load(engine, clock.dayStart(saved))
      if (day === null) {
        // The log's first day: nothing before its midnight.
        day = clock.dayOf(start!)
        for (const a of arrays) a.fill(0)
        reclock(engine, clock.dayStart(day))
        this.save(day, arrays, null, stats)
      }
      // Days after a break in the chain cannot be reached from it: they are written again.
      this.store.dropAfter(day)
      prev = arrays.map((a) => a.slice())
      folder = new LogFolder(this.sql, engine)
    }
    const resume = (stop: () => boolean = () => false): boolean => {
      if (start === null) return true
      const t0 = performance.now()
      // A build stopped between slices may have folded past an event that arrived since, dated before where
      // it stands (invalidate dropped the days it made stale): go back to the newest day still saved.
      if (day === null || generation !== this.generation) begin()
      let d = day!
      for (; d < lastDay && !stop(); d++) {
        const next = d + 1
        engine.setClock(clock.dayStart(next))
        stats.events += folder.fold(clock.dayStart(d) - 1, clock.dayStart(next) - 1)
        this.save(next, arrays, next % KEY_EVERY === 0 ? null : prev, stats)
        for (let p = 0; p < arrays.length; p++) prev[p].set(arrays[p])
      }
      day = d
      stats.ms += performance.now() - t0
      return d >= lastDay
    }
    return { stats, resume }
  }

  private save(day: number, arrays: Int32Array[], prev: Int32Array[] | null, stats: BuildStats): void {
    const { bytes } = encodeDiff(arrays, prev)
    this.store.put({ day, key: prev === null, bytes })
    stats.days++
    stats.bytes += bytes.length
  }
}
