// WallLink (the browser side of the conductor) against a real server: a reconnecting browser rejoins at the
// wall's current state, and two browsers apply a change in the same moment.
import { afterAll, beforeAll, expect, test } from 'vitest'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { buildTestServer, type TestServer } from '../helpers'
import { loadConfig } from '../../../server/config'
import { LiveClient } from '../../../client/live/liveClient'
import { nextOffset, WallLink } from '../../../client/live/wallLink'
import type { WallState } from '../../../shared/conductor'
import { until } from '../../until'

let s: TestServer
let url: string
let control: string
const open: { dispose(): void }[] = []

beforeAll(async () => {
  s = await buildTestServer({ walls: loadConfig({ ONESCREEN_WALLS: join(__dirname, '../../../fixtures/walls.example.json') }).walls })
  control = s.app.keys.create({ role: 'control', name: 'tablet' }).secret
  await s.app.listen({ port: 0, host: '127.0.0.1' })
  url = `http://127.0.0.1:${(s.app.server.address() as AddressInfo).port}`
})
afterAll(async () => {
  for (const o of open) o.dispose()
  await s.close()
})

function wallBrowser() {
  const live = new LiveClient({ url, token: s.keys.viewer, socket: { transports: ['websocket'], reconnectionDelay: 50, reconnectionDelayMax: 100 } })
  const seen: { state: WallState; at: number }[] = []
  const link = new WallLink(live.socket, 'hall-4x2', { onState: (state) => seen.push({ state, at: performance.now() }) })
  open.push(link, live)
  return { live, link, seen }
}

const drive = (body: object) =>
  s.app.inject({ method: 'POST', url: '/api/walls/hall-4x2/drive', payload: body, headers: { authorization: `Bearer ${control}` } })

test('a browser that reconnects rejoins at the wall’s current state within 3 s', async () => {
  const a = wallBrowser()
  await until('joined', () => a.seen.length > 0)
  a.live.socket.io.engine.close() // the connection drops, as on a network blip
  expect((await drive({ scope: '410103002', metric: 'overdue' })).statusCode).toBe(200)
  const ms = await until('rejoined at the new state', () => a.link.state?.scope === '410103002' && a.link.state.metric === 'overdue', 3000)
  expect(ms).toBeLessThan(3000)
})

test('two browsers apply the same change in the same moment (skew p99 < 50 ms over 40 changes)', async () => {
  const a = wallBrowser()
  const b = wallBrowser()
  await until('both joined', () => a.seen.length > 0 && b.seen.length > 0)
  for (let i = 0; i < 40; i++) {
    await drive({ window: i % 2 ? '7d' : 'today' })
    await new Promise((r) => setTimeout(r, 15))
  }
  const version = () => a.link.state!.version
  await until('both at the last change', () => b.link.state?.version === version() && a.seen.length > 40)
  const at = (x: typeof a) => new Map(x.seen.map((v) => [v.state.version, v.at]))
  const ta = at(a)
  const tb = at(b)
  const skews = [...ta].filter(([v]) => tb.has(v) && v > 1).map(([v, t]) => Math.abs(t - tb.get(v)!)).sort((x, y) => x - y)
  // A change superseded before its apply-at time is dropped by design (only the newest state is applied), so a
  // loaded machine can skip a few; most of the 40 must still be applied by both.
  expect(skews.length).toBeGreaterThanOrEqual(30)
  const p99 = skews[Math.ceil(skews.length * 0.99) - 1]
  console.log(`WallLink apply skew over ${skews.length} changes: p50 ${skews[skews.length >> 1].toFixed(2)} ms, p99 ${p99.toFixed(2)} ms`)
  expect(p99).toBeLessThan(50)
})

test('a browser takes its clock offset from the quickest round trip, and samples it again after the join', async () => {
  // One slow round trip (a join answered while the page starts up) is off by half its delay; a quick one is not.
  expect(nextOffset(null, [{ sent: 1000, received: 1060, serverNow: 1010 }, { sent: 2000, received: 2002, serverNow: 2001 }])?.offset).toBe(0)
  expect(nextOffset(null, [{ sent: 1000, received: 1060, serverNow: 1010 }])?.offset).toBe(-20)
  expect(nextOffset(null, [])).toBeNull()
  // The server answers wall:time with its clock: the same machine's, so the offset sampled is ~0.
  const a = wallBrowser()
  await until('joined', () => a.seen.length > 0)
  a.link.offset = 500 // as if the join's answer had been held up; the round trips that follow correct it
  await until('offset sampled again', () => Math.abs(a.link.offset) < 5, 5000)
})

test('a round of clock samples taken while the page was busy does not replace a quicker offset held', () => {
  const quick = { offset: 0, rtt: 2, at: 1000 }
  // Every answer of the round came at once but waited ~1 s behind a map frame: its quickest is 490 ms off.
  const busy = [{ sent: 1000, received: 2000, serverNow: 1010 }, { sent: 3000, received: 3990, serverNow: 3005 }]
  expect(nextOffset(quick, busy)).toBe(quick)
  expect(nextOffset(null, busy)).toEqual({ offset: -490, rtt: 990, at: 3990 }) // nothing better known
  expect(nextOffset({ offset: 480, rtt: 1200, at: 0 }, busy)).toEqual({ offset: -490, rtt: 990, at: 3990 }) // surer than what is held
  expect(nextOffset(quick, [])).toBe(quick)
})

test('an offset is kept while it is surer than a new round, drift counted; a clock that was set is followed at once', () => {
  const held = { offset: 0, rtt: 2, at: 0 }
  // A round of 30 ms trips a minute later: up to 15 ms off, against 1 ms + 6 ms of drift for the one held.
  // (Taken, the two browsers of a wall applied every frame 5–20 ms apart.)
  const lan = [{ sent: 60_000, received: 60_030, serverNow: 60_025 }]
  expect(nextOffset(held, lan)).toBe(held)
  // Hours later the drift could be larger than the new round's error: the new round is surer.
  const later = [{ sent: 3_600_000, received: 3_600_030, serverNow: 3_600_025 }]
  expect(nextOffset(held, later)).toEqual({ offset: 10, rtt: 30, at: 3_600_030 })
  // A quicker round is always taken.
  expect(nextOffset(held, [{ sent: 60_000, received: 60_001, serverNow: 60_000.5 }])).toMatchObject({ offset: 0, rtt: 1 })
  // This clock was set back 2 s (NTP): no offset within both rounds' error explains both, so the new one stands.
  const set = [{ sent: 60_000, received: 60_030, serverNow: 62_015 }]
  expect(nextOffset(held, set)).toEqual({ offset: 2000, rtt: 30, at: 60_030 })
})
