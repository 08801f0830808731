// Frames when things happen (issue 13.1): a report reaches a screen soon after its commit, not at the next
// fixed tick; a burst becomes one frame; a room gets at most one frame per frameMinMs, and nothing is lost.
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { AddressInfo } from 'node:net'
import { io, type Socket } from 'socket.io-client'
import { AT, buildTestServer, post, reportBody, type TestServer } from '../helpers'
import { EVENTS, LIVE_NAMESPACE, type Delta } from '../../../shared/protocol'
import { decodeDelta } from '../../../shared/wire'
import { liveParser } from '../../../shared/socket-parser'
import { until } from '../../until'

/** A housekeeping tick far longer than any frame may wait: the old fixed-tick hub framed only on it. */
const TICK_MS = 2000
const FRAME_MIN_MS = 300

let s: TestServer
let url: string
const sockets: Socket[] = []

beforeAll(async () => {
  s = await buildTestServer({ tickMs: TICK_MS, frameMinMs: FRAME_MIN_MS, frameCoalesceMs: 10 })
  await s.app.listen({ port: 0, host: '127.0.0.1' })
  url = `http://127.0.0.1:${(s.app.server.address() as AddressInfo).port}`
})
afterAll(async () => {
  for (const x of sockets) x.disconnect()
  await s.close()
})

/** A screen on the district that keeps every delta with the time it arrived. */
async function screen(at = url) {
  const sock = io(at + LIVE_NAMESPACE, { transports: ['websocket'], forceNew: true, reconnection: false, parser: liveParser })
  sockets.push(sock)
  const deltas: { at: number; d: Delta }[] = []
  let snapshot = false
  sock.on('connect', () => sock.emit(EVENTS.subscribe, { scope: '410103', window: 'today' }))
  sock.on(EVENTS.snapshot, () => (snapshot = true))
  sock.on(EVENTS.delta, (b: Uint8Array) => deltas.push({ at: performance.now(), d: decodeDelta(b) }))
  await until('the snapshot', () => snapshot)
  const withCases = () => deltas.filter((x) => x.d.ticker?.length)
  const cases = () => withCases().flatMap((x) => x.d.ticker!.map((t) => t.caseId))
  return { deltas, withCases, cases }
}

const report = async (description: string) => {
  const r = await post(s.app, '/api/cases', reportBody(AT.a1, { description }), s.keys.hotline)
  expect(r.statusCode, r.body).toBe(201)
  return (r.json() as { id: number }).id
}

describe('frames when things happen', () => {
  test('each report is on the screen well within a tick of its commit (the fixed tick took up to one)', async () => {
    const sc = await screen()
    const waits: number[] = []
    for (let i = 0; i < 5; i++) {
      // Past the room's frame-rate cap, so each report finds the room free to send.
      await new Promise((r) => setTimeout(r, FRAME_MIN_MS))
      const t0 = performance.now()
      const id = await report(`第${i}次`)
      await until(`case ${id} on the screen`, () => sc.cases().includes(id), TICK_MS * 2)
      waits.push(sc.withCases().find((x) => x.d.ticker!.some((t) => t.caseId === id))!.at - t0)
    }
    // The old hub sent the next frame at its next tick: a report right after a frame waited nearly TICK_MS.
    expect(Math.max(...waits), waits.map(Math.round).join(', ')).toBeLessThan(TICK_MS / 5)
  })

  test('a burst becomes one frame, and a busy room gets at most one frame per frameMinMs with nothing lost', async () => {
    const sc = await screen()
    await new Promise((r) => setTimeout(r, FRAME_MIN_MS))
    const before = sc.deltas.length
    // Ten reports in the same instant: one group commit, one frame.
    const burst = await Promise.all(Array.from({ length: 10 }, (_, i) => report(`同时${i}`)))
    await until('the burst on the screen', () => burst.every((id) => sc.cases().includes(id)))
    expect(sc.deltas.length - before).toBe(1)

    // Then one report every 40 ms for 1.2 s: far more changes than frames may go out.
    const t0 = performance.now()
    const steady: number[] = []
    while (performance.now() - t0 < 1200) {
      steady.push(await report('持续'))
      await new Promise((r) => setTimeout(r, 40))
    }
    await until('every report on the screen', () => steady.every((id) => sc.cases().includes(id)))
    const frames = sc.withCases().filter((x) => x.at >= t0).map((x) => x.at)
    for (let i = 1; i < frames.length; i++) expect(frames[i] - frames[i - 1]).toBeGreaterThan(FRAME_MIN_MS * 0.8)
    expect(frames.length).toBeLessThan(steady.length / 2)
    // Frames chain without gaps, so the screen never needed a resync.
    const seqs = sc.deltas.map((x) => x.d)
    for (let i = 1; i < seqs.length; i++) expect(seqs[i].base).toBe(seqs[i - 1].seq)
  })
})

describe('counts alone', () => {
  /** Deltas that changed something (a heartbeat repeats its seq). */
  const changes = (deltas: { at: number; d: Delta }[], from: number) => deltas.slice(from).filter((x) => x.d.seq > x.d.base)
  const step = async (id: number, action: string, data?: Record<string, unknown>) => {
    const r = await post(s.app, `/api/cases/${id}/actions`, { action, ...(data ? { data } : {}) }, s.keys.operator)
    expect(r.statusCode, r.body).toBe(200)
  }
  /** A case on the screen, taken through `steps`, then left until its frames have gone out. */
  const caseThrough = async (sc: Awaited<ReturnType<typeof screen>>, steps: string[]) => {
    const id = await report('待核实')
    await until('the report on the screen', () => sc.cases().includes(id))
    for (const a of steps) await step(id, a)
    await new Promise((r) => setTimeout(r, TICK_MS * 1.2))
    return id
  }

  test('wait for news to carry them, and go out by themselves one housekeeping period after they changed', async () => {
    const sc = await screen()
    const id = await caseThrough(sc, ['verify', 'register', 'dispatch', 'handle', 'check', 'close'])
    const before = sc.deltas.length
    const t0 = performance.now()
    await step(id, 'rate', { rating: 'satisfied' }) // 满意率 changes: no ticker line, no alert
    await until('the counts on the screen', () => changes(sc.deltas, before).length > 0, TICK_MS * 3)
    const [d] = changes(sc.deltas, before)
    expect(d.d.ticker).toBeUndefined()
    expect(d.d.panels?.kpis ?? d.d.grids).toBeDefined()
    // Held for news, but never longer than one tick (the old fixed tick's own bound).
    expect(d.at - t0).toBeGreaterThan(TICK_MS * 0.8)
    expect(d.at - t0).toBeLessThan(TICK_MS * 1.5)
  })

  test('ride along with the next news: one frame carries both', async () => {
    const sc = await screen()
    const id = await caseThrough(sc, ['verify', 'register', 'dispatch', 'handle', 'check', 'close'])
    const before = sc.deltas.length
    await step(id, 'rate', { rating: 'satisfied' })
    await new Promise((r) => setTimeout(r, 100))
    const next = await report('随后')
    await until('the news on the screen', () => sc.cases().includes(next))
    const d = changes(sc.deltas, before)
    expect(d).toHaveLength(1)
    expect(d[0].d.ticker!.map((t) => t.caseId)).toEqual([next])
    expect(d[0].d.panels?.kpis?.all.counters.rated).toBeGreaterThan(0)
    // Nothing was left behind for a frame of its own.
    await new Promise((r) => setTimeout(r, TICK_MS * 1.2))
    expect(changes(sc.deltas, before)).toHaveLength(1)
  })

  test('that no screen shows (立案数, 派遣数) make no frame of their own: they go out with the next frame', async () => {
    const sc = await screen()
    const id = await caseThrough(sc, ['verify'])
    const before = sc.deltas.length
    const registered = sc.deltas.findLast((x) => x.d.panels?.kpis)?.d.panels!.kpis!.all.counters.registered
    await step(id, 'register')
    await step(id, 'dispatch')
    // The old hub sent these at its next tick; here they wait however long it takes for a frame worth sending.
    await new Promise((r) => setTimeout(r, TICK_MS * 2))
    expect(changes(sc.deltas, before)).toHaveLength(0)
    const next = await report('随后')
    await until('the news on the screen', () => sc.cases().includes(next))
    const d = changes(sc.deltas, before)
    expect(d).toHaveLength(1)
    const counters = d[0].d.panels!.kpis!.all.counters
    expect(counters.registered).toBe((registered ?? counters.registered - 1) + 1)
    expect(counters.dispatched).toBeGreaterThan(0)
    // The frames chain: no seq was spent on what was not sent.
    expect(d[0].d.base).toBe(sc.deltas[before - 1].d.seq)
  })
})

describe('a room of many screens', () => {
  test('gets fewer frames: each screen adds msPerScreen to its least gap between frames', async () => {
    // 4 screens × 150 ms: at most one frame per 600 ms, although frameMinMs alone would allow one per 50 ms.
    const big = await buildTestServer({ tickMs: TICK_MS, frameMinMs: 50, frameCoalesceMs: 5, frameMsPerScreen: 150 })
    try {
      await big.app.listen({ port: 0, host: '127.0.0.1' })
      const at = `http://127.0.0.1:${(big.app.server.address() as AddressInfo).port}`
      const screens = await Promise.all([0, 1, 2, 3].map(() => screen(at)))
      const t0 = performance.now()
      const sent: number[] = []
      while (performance.now() - t0 < 1500) {
        const r = await post(big.app, '/api/cases', reportBody(AT.a1, { description: '大房间' }), big.keys.hotline)
        sent.push((r.json() as { id: number }).id)
        await new Promise((r) => setTimeout(r, 50))
      }
      await until('every report on every screen', () => screens.every((sc) => sent.every((id) => sc.cases().includes(id))), 5000)
      const frames = screens[0].withCases().filter((x) => x.at >= t0).map((x) => x.at)
      for (let i = 1; i < frames.length; i++) expect(frames[i] - frames[i - 1]).toBeGreaterThan(600 * 0.8)
      expect(frames.length).toBeLessThanOrEqual(4)
    } finally {
      await big.close()
    }
  })
})
