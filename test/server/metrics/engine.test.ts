import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { MetricsEngine, type Change } from '../../../server/metrics/engine'
import { Layout } from '../../../server/metrics/layout'
import { rebuild } from '../../../server/metrics/rebuild'
import { saveCheckpointSync, startMetrics } from '../../../server/metrics/checkpoint'
import { C } from '../../../shared/counters'
import { districtClock } from '../../../shared/clock'
import { openWorld } from './world'
import { recompute } from './recompute'
import { mismatches } from './compare'
import { play, scenarioArb, type Scenario } from './scenario'

const DAY = 86_400_000

function run(s: Scenario, batch: number) {
  const w = openWorld()
  let now = s.now
  const engine = new MetricsEngine(Layout.fromDb(w.db), { now: () => now })
  let buffer: Change[] = []
  play(s, w.grids, w.recorder, (changes) => {
    buffer.push(...changes)
    if (buffer.length >= batch) {
      engine.apply(buffer)
      buffer = []
    }
  })
  engine.apply(buffer)
  return { ...w, engine, setNow: (t: number) => (now = t) }
}

describe('metrics engine', () => {
  it('incremental state equals a full recompute from case_events (random valid workflows, out of time order)', () => {
    fc.assert(
      fc.property(scenarioArb, fc.integer({ min: 1, max: 7 }), fc.integer({ min: 0, max: 3 * DAY }), (s, batch, later) => {
        const { db, engine, setNow } = run(s, batch)
        expect(mismatches(engine, recompute(db, s.now))).toEqual([])
        // The clock moves on (past midnight, maybe into a new month): windows roll over the same way.
        setNow(s.now + later)
        engine.setClock(s.now + later)
        expect(mismatches(engine, recompute(db, s.now + later))).toEqual([])
        db.$client.close()
      }),
      { numRuns: 60 },
    )
  })

  it("a case's steps folded in one batch count exactly as folded one at a time", () => {
    // Each case's whole history in a row (as an imported row's steps arrive), all in one batch: the engine joins
    // them into one change. The same steps one per batch must give the same arrays, to the bit.
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const byCase = { ...s, order: new Array<number>(10_000).fill(0) } // always the first case with steps left
        const one = run(byCase, 1)
        const all = run(byCase, Number.MAX_SAFE_INTEGER)
        expect(all.engine.lastEventId).toBe(one.engine.lastEventId)
        const same = (a: Int32Array, b: Int32Array) => Buffer.compare(Buffer.from(a.buffer), Buffer.from(b.buffer)) === 0
        expect(same(all.engine.counters.all, one.engine.counters.all), 'counters').toBe(true)
        expect(same(all.engine.counters.ring, one.engine.counters.ring), 'counters by day').toBe(true)
        expect(same(all.engine.cross.all, one.engine.cross.all), 'cross panels').toBe(true)
        expect(same(all.engine.cross.ring, one.engine.cross.ring), 'cross panels by day').toBe(true)
        expect(same(all.engine.hours.ring, one.engine.hours.ring), 'hours').toBe(true)
        expect(mismatches(all.engine, recompute(all.db, s.now))).toEqual([])
        one.db.$client.close()
        all.db.$client.close()
      }),
      { numRuns: 40 },
    )
  })

  it('a full rebuild from the log equals the incremental state', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const { db, engine } = run(s, 3)
        const rebuilt = new MetricsEngine(engine.layout, { now: () => s.now })
        const stats = rebuild(db, rebuilt)
        expect(rebuilt.lastEventId).toBe(engine.lastEventId)
        expect(Buffer.from(rebuilt.counters.all.buffer)).toEqual(Buffer.from(engine.counters.all.buffer))
        expect(mismatches(rebuilt, recompute(db, s.now))).toEqual([])
        expect(stats.cases).toBe(s.cases.length)
        db.$client.close()
      }),
      { numRuns: 40 },
    )
  })

  it('counts a simple case in every window and rolls it out of today at midnight', () => {
    const w = openWorld()
    // 2026-03-10 15:00 Shanghai
    let now = Date.UTC(2026, 2, 10, 7)
    const engine = new MetricsEngine(Layout.fromDb(w.db), { now: () => now })
    const grid = w.grids.micro[0]
    const { caseId, changes } = w.recorder.report({ grid, source: 'hotline', matter: '01001', at: now - 3_600_000 })
    engine.apply(changes)
    engine.apply([w.recorder.act(caseId, { action: 'verify', actor: 't', at: now - 3_000_000 })])
    const l = engine.layout
    const row = l.gridIndex(grid)
    for (const win of ['today', '7d', 'month', 'all'] as const) {
      expect(engine.counter(row, win, C.received)).toBe(1)
      expect(engine.counter(0, win, C.open)).toBe(1)
    }
    expect(engine.counter(l.sourceBase + l.sourceOf('hotline'), 'all', C.received)).toBe(1)
    expect(engine.hours.series(0, 0)[46]).toBe(1)
    now = Date.UTC(2026, 2, 10, 16, 0, 1) // 00:00:01 on the 11th in Shanghai
    expect(engine.setClock(now)).toBe(true)
    expect(engine.counter(row, 'today', C.received)).toBe(0)
    expect(engine.counter(row, '7d', C.received)).toBe(1)
    expect(engine.counter(row, 'month', C.received)).toBe(1)
    expect(engine.hours.series(0, 0)[47 - 10]).toBe(1)
  })
})

describe('metrics checkpoint', () => {
  it('a checkpoint plus the replayed tail equals the live state, and the rebuild equals both', async () => {
    fc.assert(
      fc.property(scenarioArb, fc.nat(), (s, cut) => {
        const w = openWorld()
        const engine = new MetricsEngine(Layout.fromDb(w.db), { now: () => s.now })
        let saved = false
        const all: Change[] = []
        play(s, w.grids, w.recorder, (changes) => all.push(...changes))
        // Checkpoint part-way through, then keep going: the tail is everything after the cut.
        const at = cut % (all.length + 1)
        engine.apply(all.slice(0, at))
        saveCheckpointSync(w.db, engine)
        saved = true
        engine.apply(all.slice(at))
        const restarted = new MetricsEngine(Layout.fromDb(w.db), { now: () => s.now })
        const stats = startMetrics(w.db, restarted)
        expect(saved && stats.from).toBe('checkpoint')
        expect(stats.tail).toBe(all.length - at)
        expect(restarted.lastEventId).toBe(engine.lastEventId)
        expect(mismatches(restarted, recompute(w.db, s.now))).toEqual([])
        w.db.$client.close()
      }),
      { numRuns: 30 },
    )
  })

  it('a checkpoint taken days ago rolls its windows forward on load', () => {
    const w = openWorld()
    let now = Date.UTC(2026, 4, 31, 4) // 31 May, noon in Shanghai
    const engine = new MetricsEngine(Layout.fromDb(w.db), { now: () => now })
    for (let i = 0; i < 40; i++) {
      const { changes } = w.recorder.report({ grid: w.grids.micro[i % 24], source: 'app', matter: '10001', at: now - i * 20 * 3_600_000 })
      engine.apply(changes)
    }
    saveCheckpointSync(w.db, engine)
    now += 2 * DAY // 2 June: a new month
    const later = new MetricsEngine(Layout.fromDb(w.db), { now: () => now })
    expect(startMetrics(w.db, later)).toMatchObject({ from: 'checkpoint', tail: 0 })
    expect(mismatches(later, recompute(w.db, now))).toEqual([])
    expect(later.counter(0, 'month', C.received)).toBe(0)
  })

  it('ignores a checkpoint taken over another grid layout and rebuilds', () => {
    const w = openWorld()
    const engine = new MetricsEngine(Layout.fromDb(w.db))
    engine.apply(w.recorder.report({ grid: w.grids.micro[0], source: 'app', matter: '10001', at: Date.now() - 1000 }).changes)
    saveCheckpointSync(w.db, engine)
    w.db.$client.prepare("INSERT INTO grids (code, name, level, parent, geometry, lon, lat, area) VALUES ('4101030010010104', 'x', 4, '41010300100101', '{}', 0, 0, 0)").run()
    const other = new MetricsEngine(Layout.fromDb(w.db))
    expect(startMetrics(w.db, other)).toMatchObject({ from: 'rebuild', events: 1 })
    expect(other.counter(0, 'all', C.received)).toBe(1)
  })

  it('counts days on its own clock, and ignores a checkpoint written on another clock', () => {
    const w = openWorld()
    const at = Date.UTC(2026, 5, 1, 15, 30) // 23:30 on 1 June in Shanghai, 15:30 in UTC
    const now = Date.UTC(2026, 5, 1, 16, 30) // 00:30 on 2 June in Shanghai, still 1 June in UTC
    const shanghai = new MetricsEngine(Layout.fromDb(w.db), { now: () => now })
    shanghai.apply(w.recorder.report({ grid: w.grids.micro[0], source: 'app', matter: '10001', at }).changes)
    expect(shanghai.counter(0, 'today', C.received)).toBe(0)
    saveCheckpointSync(w.db, shanghai)
    const utc = new MetricsEngine(Layout.fromDb(w.db), { now: () => now, clock: districtClock(0) })
    expect(startMetrics(w.db, utc)).toMatchObject({ from: 'rebuild', events: 1 })
    expect(utc.counter(0, 'today', C.received)).toBe(1)
    expect(utc.counter(0, 'all', C.received)).toBe(1)
  })
})
