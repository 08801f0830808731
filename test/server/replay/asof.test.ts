import { afterEach, describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { MetricsEngine } from '../../../server/metrics/engine'
import { Layout } from '../../../server/metrics/layout'
import { gridMetrics } from '../../../server/live/panels'
import { indicators } from '../../../shared/indicators'
import { toPermille, WINDOWS } from '../../../shared/protocol'
import { SavedStates } from '../../../server/replay/states'
import { StateStore } from '../../../server/replay/store'
import { LogFolder } from '../../../server/replay/tail'
import { seek } from '../../../server/replay/asof'
import { openWorld } from '../metrics/world'
import { play, scenarioArb, type Scenario } from '../metrics/scenario'
import { figures, hourly, inWindowAt, storiesAt } from './naive'

const HOUR = 3_600_000
const DAY = 24 * HOUR
const midnight = (t: number) => Math.floor((t + 8 * HOUR) / DAY) * DAY - 8 * HOUR

const open: { close(): void }[] = []
afterEach(() => open.splice(0).forEach((x) => x.close()))

function world(s: Scenario) {
  const w = openWorld()
  play(s, w.grids, w.recorder, () => {})
  const sql = w.db.$client
  const store = new StateStore(':memory:')
  open.push(store, { close: () => sql.close() })
  let now = s.now
  const engine = new MetricsEngine(Layout.fromDb(w.db), { now: () => now })
  const states = new SavedStates(sql, store)
  const folder = new LogFolder(sql, engine)
  return { ...w, sql, engine, states, folder, setNow: (t: number) => (now = t) }
}

type World = ReturnType<typeof world>

/** Differences between the engine (at its clock `t`) and the naive recompute at `t`; empty when equal. */
function differences(w: World, t: number): string[] {
  const out: string[] = []
  const stories = storiesAt(w.sql, t)
  const l = w.engine.layout
  type Member = (s: (typeof stories)[number]) => boolean
  const scopes: [string, number, Member][] = [
    ...l.tree.grids.map((g, i): [string, number, Member] => [g.code, i, (s) => (g.level === 5 ? s.special === g.code : s.grid.startsWith(g.code))]),
    ...l.departments.map((d): [string, number, Member] => [`dept ${d.code}`, l.deptRow(d.code), (s) => s.department === d.code]),
    ...l.sources.map((src, i): [string, number, Member] => [`source ${src}`, l.sourceBase + i, (s) => s.source === src]),
  ]
  const values = new Int32Array(5)
  for (const [name, row, member] of scopes)
    for (const w8 of WINDOWS) {
      const mine = stories.filter((s) => member(s) && inWindowAt(w8, s.reportedAt, t))
      const want = figures(mine)
      const counters = w.engine.countersOf(row, w8)
      const got = indicators(counters)
      for (const [k, v] of Object.entries(want.counts))
        if (counters[k as keyof typeof counters] !== v) out.push(`${name} ${w8} ${k}: engine ${counters[k as keyof typeof counters]}, recompute ${v}`)
      for (const [k, v] of Object.entries(want.rates)) if (got[k as keyof typeof got] !== v) out.push(`${name} ${w8} ${k}: engine ${got[k as keyof typeof got]}, recompute ${v}`)
      if (row < l.gridCount) {
        gridMetrics(w.engine, row, w8, values)
        const map = [want.counts.received, want.counts.open, want.counts.overdueOpen, toPermille(want.rates.closureRate), toPermille(want.rates.satisfactionRate)]
        if (values.join() !== map.join()) out.push(`${name} ${w8} map values: engine ${values.join()}, recompute ${map.join()}`)
      }
      if (w8 === 'all' && row < l.gridCount) {
        const trend = hourly(mine, t)
        const got2 = { received: w.engine.hours.series(row, 0), closed: w.engine.hours.series(row, 1) }
        if (got2.received.join() !== trend.received.join()) out.push(`${name} trend received: engine ${got2.received.join()}, recompute ${trend.received.join()}`)
        if (got2.closed.join() !== trend.closed.join()) out.push(`${name} trend closed: engine ${got2.closed.join()}, recompute ${trend.closed.join()}`)
      }
      if (out.length > 8) return out
    }
  return out
}

/** Moments worth checking in a scenario's log: before it, midnights, month starts, the instants a light turns red. */
function moments(w: World): number[] {
  const times = (w.sql.prepare('SELECT at FROM case_events ORDER BY at').pluck().all() as number[])
  const first = times[0]
  const last = times[times.length - 1]
  const out = [first - 1, first, last]
  for (let m = midnight(first) + DAY; m <= last + DAY; m += DAY) {
    out.push(m, m - 1)
    if (new Date(m + 8 * HOUR).getUTCDate() === 1) out.push(m, m - 1, m + 1)
  }
  for (const at of w.sql.prepare("SELECT at FROM case_events WHERE action = 'overdue'").pluck().all() as number[]) out.push(at - 1, at, at + 1)
  return out
}

describe('the state as of a past moment', () => {
  it('equals a recompute from case_events with at ≤ T, from saved midnights plus the tail (random workflows and moments)', () => {
    fc.assert(
      fc.property(scenarioArb, fc.array(fc.nat(), { minLength: 4, maxLength: 8 }), fc.boolean(), (s, picks, saved) => {
        const w = world(s)
        if (saved) w.states.build(w.engine, s.now + DAY)
        const candidates = moments(w)
        for (const p of picks) {
          const t = candidates[p % candidates.length]
          w.setNow(t)
          const r = seek(w.sql, w.engine, saved ? w.states : null, w.folder, t)
          expect(r.from === null).toBe(!saved)
          expect(differences(w, t), `at ${new Date(t).toISOString()}`).toEqual([])
        }
      }),
      { numRuns: 40 },
    )
  })

  it('stays equal while a replay plays on across midnight (and a month change)', () => {
    fc.assert(
      fc.property(scenarioArb, fc.nat(), fc.integer({ min: 1, max: 7 }), (s, pick, steps) => {
        const w = world(s)
        w.states.build(w.engine, s.now + DAY)
        const nights = moments(w).filter((t) => t === midnight(t))
        const night = nights[pick % nights.length]
        let t = night - 2 * HOUR
        w.setNow(t)
        seek(w.sql, w.engine, w.states, w.folder, t)
        // Play forward in uneven frames up to 4 h after midnight, as a session does: clock first, then the stretch.
        const step = (6 * HOUR) / steps
        for (let k = 1; k <= steps; k++) {
          const next = Math.round(night - 2 * HOUR + k * step)
          w.setNow(next)
          w.engine.setClock(next)
          // Event by event (as playback, feeding the ticker) or each case once (as a seek): the same sums.
          w.folder.fold(t, next, k % 2 ? () => {} : undefined)
          t = next
          expect(differences(w, t), `at ${new Date(t).toISOString()}`).toEqual([])
        }
      }),
      { numRuns: 30 },
    )
  })

  it('saves midnights as key frames and differences, and drops the ones a late, older event makes stale', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const w = world(s)
        const built = w.states.build(w.engine, s.now + DAY)
        const size = w.states.store.size()
        expect(size.days).toBe(built.days)
        expect(size.keyFrames).toBeGreaterThanOrEqual(1)
        // An event dated in the middle of the history arrives now: later midnights no longer hold.
        const first = w.sql.prepare('SELECT MIN(at) FROM case_events').pluck().get() as number
        const t = Math.round((first + s.now) / 2)
        const { changes } = w.recorder.report({ grid: w.grids.micro[0], source: 'app', matter: '01001', at: t })
        expect(changes).toHaveLength(1)
        w.states.invalidate(t, w.engine.clock)
        w.states.build(w.engine, s.now + DAY)
        const later = Math.max(t, midnight(t) + DAY)
        w.setNow(later)
        seek(w.sql, w.engine, w.states, w.folder, later)
        expect(differences(w, later)).toEqual([])
      }),
      { numRuns: 15 },
    )
  })

  it('a build stopped between slices starts again from what is saved when a late event made its days stale', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const w = world(s)
        const clock = w.engine.clock
        const first = w.sql.prepare('SELECT MIN(at) FROM case_events').pluck().get() as number
        const days = clock.dayOf(s.now + DAY) - clock.dayOf(first)
        fc.pre(days >= 4)
        // The build saves a few days (as the replay service does, a slice at a time), then an event dated in
        // its first day arrives and makes every saved day after that one stale.
        const b = w.states.builder(w.engine, s.now + DAY)
        let asked = 0
        expect(b.resume(() => ++asked > 3)).toBe(false)
        const t = first + 60_000
        w.recorder.report({ grid: w.grids.micro[0], source: 'app', matter: '01001', at: t })
        w.states.invalidate(t, clock)
        expect(b.resume()).toBe(true)
        // Every midnight now saved must hold the late event: check the newest, where a stale chain shows most.
        const last = clock.dayStart(w.states.store.lastDay()!)
        w.setNow(last)
        seek(w.sql, w.engine, w.states, w.folder, last)
        expect(differences(w, last)).toEqual([])
      }),
      { numRuns: 15 },
    )
  })
})
