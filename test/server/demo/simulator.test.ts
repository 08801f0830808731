import { describe, expect, test } from 'vitest'
import type { AddressInfo } from 'node:net'
import { Simulator, type ActRequest, type DemoApi, type DemoWorld, type ReportRequest } from '../../../server/demo/simulator'
import { demoWorld, httpApi } from '../../../server/demo/run'
import { CASES_PER_DAY, HOUR, rhythm } from '../../../server/demo/script'
import { DEFAULT_CLOCK } from '../../../shared/clock'
import { suiteServer, type TestServer } from '../helpers'
import { C } from '../../../shared/counters'

const START = Date.UTC(2026, 3, 7, 16) // 00:00 on 8 April in Shanghai

/** Fake time: timers run in order as the clock is advanced. */
function fakeClock(start: number) {
  let now = start
  let seq = 0
  const timers = new Map<number, { at: number; fn: () => void }>()
  return {
    now: () => now,
    setTimeout: (fn: () => void, ms: number) => {
      timers.set(++seq, { at: now + ms, fn })
      return seq
    },
    clearTimeout: (h: unknown) => void timers.delete(h as number),
    pending: () => timers.size,
    async advance(ms: number) {
      const end = now + ms
      for (;;) {
        const next = [...timers.entries()].sort((a, b) => a[1].at - b[1].at)[0]
        if (!next || next[1].at > end) break
        timers.delete(next[0])
        now = Math.max(now, next[1].at)
        next[1].fn()
        await new Promise((r) => setImmediate(r)) // let the awaited API calls settle
      }
      now = end
    },
  }
}

const WORLD: DemoWorld = {
  matters: [
    { code: 'M1', name: '暴露垃圾', bigClassName: '市容环境', department: 'D1', limitMs: 24 * HOUR, settleLevel: 'grid' },
    { code: 'M2', name: '占道经营', bigClassName: '街面秩序', department: 'D2', limitMs: 8 * HOUR, settleLevel: 'community' },
    { code: 'M3', name: '井盖破损', bigClassName: '公用设施', department: 'D3', limitMs: 72 * HOUR, settleLevel: 'street' },
  ],
  matterWeights: [5, 3, 1],
  places: [
    { grid: 'G1', name: '金家园社区', lon: 113.6, lat: 34.7 },
    { grid: 'G2', name: '福寿街社区', lon: 113.61, lat: 34.71 },
  ],
  placeWeights: [9, 1],
  departments: ['D1', 'D2', 'D3'],
}

/** An API that accepts everything and records what it was asked, in order. */
function recordingApi() {
  const calls: (ReportRequest | (ActRequest & { id: number }))[] = []
  let id = 0
  const api: DemoApi = {
    report: async (b) => {
      calls.push(b)
      return { id: ++id }
    },
    act: async (caseId, b) => {
      calls.push({ ...b, id: caseId })
      return { deadline: b.data?.deadline ?? null }
    },
  }
  return { api, calls }
}

async function play(seed: number, hours: number, speed = 1) {
  const clock = fakeClock(START)
  const { api, calls } = recordingApi()
  const sim = new Simulator(api, WORLD, { speed, seed, now: clock.now, setTimeout: clock.setTimeout, clearTimeout: clock.clearTimeout })
  sim.start()
  await clock.advance(hours * HOUR)
  return { sim, calls, clock }
}

describe('demo simulator', () => {
  test('the same seed plays the same district; another seed another one', async () => {
    const a = await play(7, 30)
    const b = await play(7, 30)
    const c = await play(8, 30)
    expect(a.calls.length).toBeGreaterThan(200)
    expect(b.calls).toEqual(a.calls)
    expect(c.calls).not.toEqual(a.calls)
  })

  test('reports follow the day, the hot places and patrols; cases walk the workflow, a few off the main path', async () => {
    const { calls, sim } = await play(3, 72)
    const reports = calls.filter((x): x is ReportRequest => 'source' in x)
    const acts = calls.filter((x): x is ActRequest & { id: number } => 'action' in x)
    expect(reports.length).toBeGreaterThan(CASES_PER_DAY * 3 * 0.8)
    expect(reports.length).toBeLessThan(CASES_PER_DAY * 3 * 1.2)
    const count = (f: (r: ReportRequest) => boolean) => reports.filter(f).length
    expect(count((r) => r.lat === 34.7)).toBeGreaterThan(count((r) => r.lat === 34.71) * 4)
    const bySource = Object.fromEntries(['patrol', 'app', 'hotline', 'video', 'department'].map((s) => [s, count((r) => r.source === s)]))
    expect(bySource.patrol).toBeGreaterThan(bySource.app + bySource.video)
    expect(reports.filter((r) => r.source === 'hotline').every((r) => r.reporterPhone && r.description.includes(r.reporterPhone))).toBe(true)
    const did = (a: string) => acts.filter((x) => x.action === a).length
    expect(did('close')).toBeGreaterThan(reports.length * 0.5)
    expect(did('rate')).toBeGreaterThan(did('close') * 0.6)
    for (const side of ['void', 'escalate', 'return', 'rework', 'supervise']) expect(did(side), side).toBeGreaterThan(0)
    expect(did('void')).toBeLessThan(reports.length * 0.08)
    // A returned case goes back to the matter's own department.
    expect(acts.filter((x) => x.action === 'dispatch').every((x) => ['D1', 'D2', 'D3'].includes(x.data!.department!))).toBe(true)
    expect(sim.stats.refused).toBe(0)
    expect(rhythm(START + 15 * HOUR, DEFAULT_CLOCK)).toBeGreaterThan(3 * rhythm(START + 3 * HOUR, DEFAULT_CLOCK))
  })

  test('speed compresses lifecycles and raises the arrival rate', async () => {
    const slow = await play(5, 2, 1)
    const fast = await play(5, 2, 50)
    const reports = (c: typeof slow.calls) => c.filter((x) => 'source' in x).length
    expect(reports(fast.calls)).toBeGreaterThan(reports(slow.calls) * 20)
    const closes = (c: typeof slow.calls) => c.filter((x) => 'action' in x && x.action === 'close').length
    expect(closes(fast.calls)).toBeGreaterThan(0)
    // register deadlines shrink with the speed: a 24 h limit is 24 min at 60×.
    const reg = fast.calls.find((x) => 'action' in x && x.action === 'register') as ActRequest
    expect(Date.parse(reg.data!.deadline!) - START).toBeLessThan(3 * HOUR)
  })

  test('stop leaves no timer behind', async () => {
    const { sim, clock } = await play(9, 5)
    expect(clock.pending()).toBe(1)
    await sim.stop()
    expect(clock.pending()).toBe(0)
    const before = sim.stats.reported
    await clock.advance(10 * HOUR)
    expect(sim.stats.reported).toBe(before)
  })
})

describe('demo simulator against the real API', () => {
  let s: TestServer
  suiteServer((x) => (s = x), { tickMs: 50 }, { listen: true })

  test('drives cases through HTTP into the same ingest, and the metrics see them', async () => {
    const port = (s.app.server.address() as AddressInfo).port
    const world = demoWorld(s.app)
    expect(world.places.length).toBe(3)
    const before = s.app.metrics.counter(0, 'all', C.received)
    // Far beyond the configurable 100×, so a test sees whole lifecycles in a second or two.
    const sim = new Simulator(httpApi(`http://127.0.0.1:${port}`, s.keys.importer, 'test'), world, { speed: 20_000, seed: 1 })
    sim.start()
    const end = Date.now() + 15_000
    while (Date.now() < end && s.app.metrics.counter(0, 'all', C.closed) < 3) await new Promise((r) => setTimeout(r, 50))
    await sim.stop()
    expect(sim.stats.reported).toBeGreaterThan(3)
    expect(sim.stats.failed, String(sim.lastError)).toBe(0)
    expect(sim.stats.refused).toBe(0)
    expect(s.app.metrics.counter(0, 'all', C.received)).toBe(before + sim.stats.reported)
    expect(s.app.metrics.counter(0, 'all', C.closed)).toBeGreaterThanOrEqual(3)
    // Every event is the simulator's, or the deadline timer's lights on its cases.
    const actors = s.db.$client.prepare("SELECT COUNT(*) FROM case_events WHERE actor <> 'demo' AND action NOT IN ('warn', 'overdue')").pluck().get()
    expect(actors).toBe(0)
  })
})

describe('carrying on with open cases', () => {
  test('the rest of a plan starts where the case stands', async () => {
    const { continuePlan, planCase } = await import('../../../server/demo/script')
    const { createRandom } = await import('../../../shared/random')
    const rnd = createRandom(4)
    for (let i = 0; i < 200; i++) {
      const plan = planCase(rnd, WORLD.matters[i % 3], WORLD.departments)
      expect(continuePlan(plan, 'reported')).toEqual(plan)
      const rest = continuePlan(plan, 'dispatched')
      if (plan.some((s) => s.action === 'handle')) expect(rest.some((s) => s.action === 'handle')).toBe(true)
      expect(rest.every((s) => !['verify', 'register'].includes(s.action))).toBe(true)
      expect(continuePlan(plan, 'parked')[0].action).toBe('resume')
    }
  })

  test('open cases get worked on from their current state', async () => {
    const clock = fakeClock(START)
    const { api, calls } = recordingApi()
    const world: DemoWorld = { ...WORLD, open: [{ id: 901, matter: 'M1', state: 'dispatched' }, { id: 902, matter: 'M2', state: 'verified' }] }
    const sim = new Simulator(api, world, { speed: 1, seed: 2, now: clock.now, setTimeout: clock.setTimeout, clearTimeout: clock.clearTimeout })
    sim.start()
    await clock.advance(96 * HOUR)
    const acts = (id: number) => calls.filter((c) => 'id' in c && c.id === id).map((c) => (c as ActRequest).action)
    expect(acts(901)[0]).not.toBe('verify')
    expect(acts(901)).toContain('close')
    expect(acts(902)[0]).toBe('register')
    await sim.stop()
  })
})
