// Wire sizes on the real district layout (8,490 grids) with a full history's worth of cases: a district
// snapshot must stay ≤ 64 KB and a typical delta ≤ 2 KB.
import { describe, expect, test } from 'vitest'
import { readFileSync } from 'node:fs'
import { Layout } from '../../../server/metrics/layout'
import { MetricsEngine, type Change } from '../../../server/metrics/engine'
import { Feed } from '../../../server/live/feed'
import { ScopeView, WindowGrids } from '../../../server/live/frames'
import { encodeDelta, encodeSnapshot } from '../../../shared/wire'
import { createRandom } from '../../../shared/random'
import { newCase, type CaseState } from '../../../shared/workflow'
import { SOURCES } from '../../../shared/protocol'
import type { Grid } from '../../../shared/grid'

const HOUR = 3_600_000
const NOW = Date.UTC(2026, 5, 18, 7) // a Thursday afternoon in Shanghai

function district() {
  const topo = JSON.parse(readFileSync('fixtures/data/grids.topo.json', 'utf8')) as { objects: Record<string, { geometries: { properties: Grid }[] }> }
  const catalogue = JSON.parse(readFileSync('fixtures/data/catalogue.json', 'utf8'))
  const grids = Object.values(topo.objects).flatMap((o) => o.geometries.map((g) => g.properties))
  const layout = new Layout({ grids, departments: catalogue.departments, matters: catalogue.matters })
  const engine = new MetricsEngine(layout, { now: () => NOW })
  const rnd = createRandom('wire-size')
  const micro = grids.filter((g) => g.level === 4).map((g) => layout.gridIndex(g.code))
  const specials = grids.filter((g) => g.level === 5).map((g) => layout.gridIndex(g.code))
  const matters = catalogue.matters as { code: string; bigClass: string; department: string }[]
  // 289,000 cases over three years, 96–97 % closed, nearly all satisfied: the seed's totals.
  for (let i = 0; i < 289_000; i++) {
    const reportedAt = NOW - Math.floor(rnd.next() * 3 * 365 * 24 * HOUR)
    const m = rnd.pick(matters)
    const s: CaseState = { ...newCase(reportedAt) }
    const closed = rnd.chance(0.965) && NOW - reportedAt > 6 * HOUR
    s.registeredAt = reportedAt + HOUR
    s.deadline = reportedAt + 72 * HOUR
    s.dispatchedAt = reportedAt + 2 * HOUR
    s.department = m.department
    if (closed) {
      s.state = rnd.chance(0.8) ? 'rated' : 'closed'
      s.handledAt = s.closedAt = reportedAt + rnd.int(3, 90) * HOUR
      if (s.state === 'rated') s.rating = rnd.chance(0.99) ? 'satisfied' : 'basic'
    } else {
      s.state = 'dispatched'
      if (NOW > s.deadline) s.light = 'red'
    }
    const keys = { grid: rnd.pick(micro), special: rnd.chance(0.05) ? rnd.pick(specials) : -1, source: rnd.int(0, 4), bigClass: layout.classOfMatter(m.code) }
    engine.add(keys, s, 1, true)
  }
  engine.rollUp()
  engine.takeDirty()
  return { layout, engine, rnd, micro, matters, grids }
}

describe('wire sizes', () => {
  const d = district()
  const feed = new Feed(d.engine, (code) => `事项${code}`)

  function newReport(i: number): Change {
    const g = d.layout.tree.grids[d.rnd.pick(d.micro)]
    const m = d.rnd.pick(d.matters)
    const after = newCase(NOW)
    return {
      id: 10_000_000 + i, event: { caseId: 900_000 + i, action: 'report', actor: 'x', at: NOW, from: null, to: 'reported', level: 'grid' },
      before: null, after,
      facts: { externalId: null, source: SOURCES[i % 5], matter: m.code, grid: g.code, special: null, lon: 113.6, lat: 34.7, address: null, description: '居民反映路边有暴露垃圾，联系电话13812345678，请尽快处理', reporterName: '张三', reporterPhone: '13812345678', mediaUrl: null },
      matter: { code: m.code, bigClass: m.bigClass, department: m.department },
    }
  }

  test('a district snapshot fits in 64 KB in every window', () => {
    for (const w of ['today', '7d', 'month', 'all'] as const) {
      const view = new ScopeView(d.engine, new WindowGrids(d.engine, w), 0, `410103|${w}`)
      const bytes = encodeSnapshot(view.snapshot(NOW)).length
      console.log(`district snapshot (${w}): ${bytes} bytes`)
      expect(bytes).toBeLessThanOrEqual(64 * 1024)
    }
  })

  test('a typical delta (one new case) fits in 2 KB; a busy tick (25 events) is stated', () => {
    const grids = new WindowGrids(d.engine, 'today')
    const view = new ScopeView(d.engine, grids, 0, '410103|today')
    const street = new ScopeView(d.engine, grids, d.layout.gridIndex(d.grids.find((g) => g.level === 1)!.code), 'street|today')
    const tick = (changes: Change[]) => {
      d.engine.apply(changes)
      feed.add(changes)
      const dirty = d.engine.takeDirty()
      grids.update(dirty)
      const items = feed.take(NOW)
      street.advance(dirty, items, NOW)
      return encodeDelta(view.advance(dirty, items, NOW)!).length
    }
    const one = tick([newReport(1)])
    console.log(`typical delta (one new case, district, today): ${one} bytes`)
    expect(one).toBeLessThanOrEqual(2048)
    const busy = tick(Array.from({ length: 25 }, (_, i) => newReport(2 + i)))
    console.log(`busy delta (25 new cases in one tick): ${busy} bytes`)
    expect(busy).toBeGreaterThan(one)
  })
})
