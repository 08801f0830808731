import { describe, expect, test } from 'vitest'
import { Feed, FEED_MAX_PER_TICK, poissonTail } from '../../../server/live/feed'
import { MetricsEngine, type Change } from '../../../server/metrics/engine'
import { Layout } from '../../../server/metrics/layout'
import { openWorld } from '../metrics/world'

const HOUR = 3_600_000
const NOW = Date.UTC(2026, 2, 10, 6, 30) // 14:30 in Shanghai

function setup() {
  const w = openWorld()
  const engine = new MetricsEngine(Layout.fromDb(w.db), { now: () => NOW })
  const feed = new Feed(engine, (code) => `事项${code}`)
  const apply = (changes: Change[]) => {
    engine.apply(changes)
    feed.add(changes)
    return changes
  }
  return { ...w, engine, feed, apply }
}

describe('poissonTail', () => {
  test('matches the closed forms and a direct sum', () => {
    expect(poissonTail(0, 2)).toBe(1)
    expect(poissonTail(1, 0.5)).toBeCloseTo(1 - Math.exp(-0.5), 12)
    const direct = (k: number, l: number) => {
      let p = 0
      for (let i = 0, f = 1; i < k; i++, f *= i) p += (Math.exp(-l) * l ** i) / f
      return 1 - p
    }
    for (const [k, l] of [[3, 0.2], [5, 1], [10, 4], [2, 0.01]]) expect(poissonTail(k, l)).toBeCloseTo(direct(k, l), 10)
  })
})

describe('feed', () => {
  test('new and closed cases go to the ticker as masked plain text; lights and 督办 become alerts', () => {
    const s = setup()
    const grid = s.grids.micro[0]
    const { caseId, changes } = s.recorder.report({
      grid, source: 'hotline', matter: '10001', at: NOW - HOUR,
      description: '张三反映楼下垃圾没人清，电话13812345678，身份证410103199001011234', reporterName: '张三', reporterPhone: '13812345678',
    })
    s.apply(changes)
    const act = (action: string, at: number, data?: object) => s.apply([s.recorder.act(caseId, { action: action as never, actor: 't', at, ...(data ? { data } : {}) })])
    act('verify', NOW - HOUR + 1000)
    act('register', NOW - HOUR + 2000, { deadline: NOW + HOUR })
    act('supervise', NOW - HOUR + 3000)
    act('warn', NOW - 1000)
    act('overdue', NOW)
    const { ticker, alerts } = s.feed.take(NOW)
    expect(ticker).toHaveLength(1)
    const t = ticker[0].item
    expect(t).toMatchObject({ caseId, kind: 'new', grid, matter: '事项10001' })
    expect(t.text).toContain('138****5678')
    expect(t.text).not.toMatch(/13812345678|199001011234/)
    expect(t.text).toContain('街道001·社区001001')
    expect(ticker[0].grid).toBe(s.engine.layout.gridIndex(grid))
    expect(alerts.map((a) => a.item.kind)).toEqual(['supervise', 'yellow', 'red'])
    expect(alerts.every((a) => a.item.caseId === caseId && a.item.gridName === '网格00100101·微网格0010010101')).toBe(true)
    expect(s.feed.take(NOW)).toEqual({ ticker: [], alerts: [] })
  })

  test('a burst in one grid raises one spike alert per hour; the usual share of the district does not', () => {
    const s = setup()
    const report = (grid: string, at: number) => s.apply(s.recorder.report({ grid, source: 'patrol', matter: '10001', at }).changes)
    // Two days of ordinary activity spread over the district, then this hour.
    for (let h = 47; h >= 1; h--) for (let k = 0; k < 3; k++) report(s.grids.micro[(h * 3 + k) % s.grids.micro.length], NOW - h * HOUR)
    s.feed.take(NOW)
    for (let k = 0; k < 4; k++) report(s.grids.micro[(k * 7) % s.grids.micro.length], NOW - 60_000 * k)
    expect(s.feed.take(NOW).alerts).toEqual([])
    const hot = s.grids.micro[5] // in third-level grid 41010300100102
    for (let k = 0; k < 6; k++) report(hot, NOW - 1000 * k)
    const spikes = s.feed.take(NOW).alerts.filter((a) => a.item.kind === 'spike')
    expect(spikes).toHaveLength(1)
    expect(spikes[0].item.grid).toBe(hot.slice(0, 14))
    expect(spikes[0].item.text).toMatch(/本小时受理 6 件/)
    for (let k = 0; k < 3; k++) report(hot, NOW - 100 * k)
    expect(s.feed.take(NOW).alerts.filter((a) => a.item.kind === 'spike')).toEqual([])
  })

  test('a burst keeps the newest items and recent ones stay for late subscribers, bounded', () => {
    const s = setup()
    for (let k = 0; k < FEED_MAX_PER_TICK * 3; k++)
      s.apply(s.recorder.report({ grid: s.grids.micro[k % 24], source: 'app', matter: '11001', at: NOW - 10 * HOUR + k }).changes)
    const { ticker } = s.feed.take(NOW)
    expect(ticker).toHaveLength(FEED_MAX_PER_TICK)
    expect(ticker[ticker.length - 1].item.caseId).toBe(FEED_MAX_PER_TICK * 3)
    expect(s.feed.recentTicker.length).toBeLessThanOrEqual(2 * 400)
  })

  test('prime fills the recent items from the end of the log', () => {
    const s = setup()
    const { caseId } = s.recorder.report({ grid: s.grids.micro[3], source: 'app', matter: '11001', at: NOW - HOUR, description: '联系 13912345678' })
    s.recorder.act(caseId, { action: 'supervise', actor: 't', at: NOW - 100 })
    const fresh = new Feed(s.engine, (c) => c)
    fresh.prime(s.db)
    expect(fresh.recentTicker.map((r) => r.item.caseId)).toEqual([caseId])
    expect(fresh.recentTicker[0].item.text).toContain('139****5678')
    expect(fresh.recentAlerts.map((r) => r.item.kind)).toEqual(['supervise'])
    expect(fresh.take(NOW)).toEqual({ ticker: [], alerts: [] })
  })
})
