// The scaled-out layout as real processes: redis-server, a writer, three live processes and HAProxy in
// front of them (all from the system's packages and server/main.ts), screens as LiveClients. Each test
// leaves the cluster running and whole for the next; the last one kills a live process for good.
import { afterAll, beforeAll, expect, test } from 'vitest'
import { openDb } from '../../../server/db'
import { freePort, startHaproxy, startOneScreen, type Service } from '../../../server/scale/services'
import { join } from 'node:path'
import { LiveClient } from '../../../client/live/liveClient'
import { WallLink } from '../../../client/live/wallLink'
import type { WallState } from '../../../shared/conductor'
import { ACCESS_REVOKED, EVENTS, TRY_LATER } from '../../../shared/protocol'
import { decodeDelta } from '../../../shared/wire'
import { Keys } from '../../../server/keys'
import { AT } from '../helpers'
import { districtFile, recomputedDigest, redisOn, report, SECRET, until, type District } from './harness'

let d: District
let redis: Service
let writer: Service
let live: Service[] = []
let proxy: Service
const screens: LiveClient[] = []
const walls: { dispose(): void }[] = []
let writerUrl = ''
let proxyUrl = ''

const env = () => ({
  ONESCREEN_REDIS_URL: `redis://127.0.0.1:${redis.port}`, ONESCREEN_CLUSTER_SECRET: SECRET, ONESCREEN_STREAM: 'test:log',
  ONESCREEN_DEMO: 'false', LOG_LEVEL: 'info', ONESCREEN_WALLS: join(__dirname, '../../../fixtures/walls.example.json'),
})
const startWriter = (port: number) => startOneScreen('writer', port, { ...env(), ONESCREEN_ROLE: 'writer', ONESCREEN_DB: d.file })
const startLive = async (i: number) =>
  startOneScreen(`live${i}`, await freePort(), { ...env(), ONESCREEN_ROLE: 'live', ONESCREEN_WRITER_URL: writerUrl })

beforeAll(async () => {
  d = districtFile()
  redis = await redisOn(d.dir)
  const writerPort = await freePort()
  writerUrl = `http://127.0.0.1:${writerPort}`
  writer = await startWriter(writerPort)
  live = await Promise.all([1, 2, 3].map(startLive))
  proxy = await startHaproxy({ port: await freePort(), writer: `127.0.0.1:${writerPort}`, live: live.map((l) => `127.0.0.1:${l.port}`) }, { dir: d.dir })
  proxyUrl = `http://127.0.0.1:${proxy.port}`
}, 180_000)

afterAll(async () => {
  for (const s of [...walls, ...screens]) s.dispose()
  for (const s of [proxy, ...live, writer, redis]) await s?.stop(5000)
  d?.cleanup()
})

/** A screen with the client's own reconnection settings (a real wall's), over websockets. */
function screen(url: string, token = d.keys.viewer) {
  const c = new LiveClient({ url, token, socket: { transports: ['websocket'] } })
  c.subscribe('410103', 'all')
  screens.push(c)
  return c
}

const health = async (s: Service, digest = false) =>
  (await (await fetch(`http://127.0.0.1:${s.port}/api/health${digest ? '?digest=1' : ''}`)).json()) as {
    lastEventId: number; digest?: string; hub: { sockets: number }; follower: { stale: boolean; writer: boolean; redis: boolean }
  }
const casesInDb = () => {
  const db = openDb(d.file)
  try {
    return db.$client.prepare('SELECT COUNT(*) FROM cases').pluck().get() as number
  } finally {
    db.$client.close()
  }
}
const received = (c: LiveClient) => c.panels?.kpis.all.counters.received
const writerHead = async () => ((await (await fetch(`${writerUrl}/api/health`)).json()) as { events: number }).events

/** Every live process holds the writer's whole log, and exactly what a recompute of it gives. */
async function allMatchRecompute() {
  const head = await writerHead()
  await until('every live process to reach the writer', async () => (await Promise.all(live.map((l) => health(l)))).every((h) => h.lastEventId === head), 10_000)
  const want = recomputedDigest(d.file)
  for (const l of live) expect((await health(l, true)).digest, l.name).toBe(want.digest)
}

/** Per screen, for each case: when the frame carrying it arrived, and when its live process sent it (one clock). */
function framesOf(c: LiveClient) {
  const seen = new Map<number, { sentAt: number; gotAt: number }>()
  c.socket.on(EVENTS.delta, (b: ArrayBuffer | Uint8Array) => {
    const gotAt = Date.now()
    const d = decodeDelta(b instanceof Uint8Array ? b : new Uint8Array(b))
    for (const t of d.ticker ?? []) if (!seen.has(t.caseId)) seen.set(t.caseId, { sentAt: d.at, gotAt })
  })
  return seen
}

test('a case posted to the writer reaches a screen on each live process within 1 s, with equal totals everywhere', async () => {
  const direct = live.map((l) => screen(`http://127.0.0.1:${l.port}`))
  const proxied = screen(proxyUrl)
  const all = [...direct, proxied]
  const frames = all.map(framesOf)
  await until('every screen live', () => all.every((c) => c.status === 'live' && c.panels !== null), 15_000)
  for (let i = 0; i < 3; i++) {
    const t0 = Date.now()
    const caseId = await report(writerUrl, d.keys.hotline, i % 2 ? AT.a1 : AT.b1)
    const committed = Date.now() - t0
    await until(`case ${caseId} on every screen`, () => all.every((c) => c.ticker.some((t) => t.caseId === caseId)), 3000)
    // Where the time went: the writer's answer (ingest and commit), then each live process's frame, then the wire.
    const f = frames.map((m) => m.get(caseId)!)
    const span = (xs: number[]) => `${Math.min(...xs)}–${Math.max(...xs)}`
    console.log(`case ${caseId}: answered ${committed} ms, frames sent at ${span(f.map((x) => x.sentAt - t0))} ms, on screens at ${span(f.map((x) => x.gotAt - t0))} ms`)
    expect(Math.max(...f.map((x) => x.gotAt)) - t0).toBeLessThan(1000)
    await until('equal totals', () => new Set(all.map(received)).size === 1)
    expect(received(all[0])).toBe(casesInDb())
  }
  await allMatchRecompute()
}, 60_000)

test('Redis restarts while reports flow: afterwards every live process equals a recompute of the database', async () => {
  let flowing = true
  let sent = 0
  const flow = (async () => {
    while (flowing) {
      await report(writerUrl, d.keys.hotline, sent % 3 === 0 ? AT.a2 : AT.b1)
      sent++
      await new Promise((r) => setTimeout(r, 20))
    }
  })()
  await until('reports flowing', () => sent >= 10)
  const port = redis.port
  await redis.stop()
  const during = sent
  await until('reports while Redis is down', () => sent >= during + 20, 10_000)
  redis = await redisOn(d.dir, port)
  await until('the stream read again', async () => (await Promise.all(live.map((l) => health(l)))).every((h) => h.follower.redis), 10_000)
  const after = sent
  await until('reports after the restart', () => sent >= after + 20, 10_000)
  flowing = false
  await flow
  await allMatchRecompute()
  const total = casesInDb()
  await until('every screen shows every case', () => screens.every((c) => received(c) === total), 5000)
}, 60_000)

/** A browser of wall hall-4x2 on one live process (its own connection, as a wall PC has). */
function wallBrowser(port: number) {
  const c = new LiveClient({ url: `http://127.0.0.1:${port}`, token: d.keys.viewer, socket: { transports: ['websocket'] } })
  const seen: { state: WallState; at: number }[] = []
  const link = new WallLink(c.socket, 'hall-4x2', { onState: (state) => seen.push({ state, at: performance.now() }) })
  walls.push(link, c)
  return { link, seen }
}
const drive = (body: object) =>
  fetch(`${writerUrl}/api/walls/hall-4x2/drive`, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${d.keys.control}` }, body: JSON.stringify(body),
  })
let wallA: ReturnType<typeof wallBrowser>
let wallB: ReturnType<typeof wallBrowser>

test('a wall whose two browsers sit on different live processes stays in sync (their changes, a tablet’s drives, a late joiner)', async () => {
  wallA = wallBrowser(live[0].port)
  wallB = wallBrowser(live[1].port)
  await until('both joined', () => wallA.link.state !== null && wallB.link.state !== null, 10_000)
  // Changes from either browser and from a tablet (through the writer), interleaved.
  for (let i = 0; i < 30; i++) {
    if (i % 3 === 0) expect((await wallA.link.share({ camera: { lon: 113.5 + i / 100, lat: 34.7, zoom: 12 } })).ok).toBe(true)
    else if (i % 3 === 1) expect((await wallB.link.share({ tourStep: i })).ok).toBe(true)
    else expect((await drive({ window: i % 2 ? '7d' : 'today', metric: i % 4 ? 'open' : 'received' })).status).toBe(200)
    await new Promise((r) => setTimeout(r, 20))
  }
  const last = (w: typeof wallA) => w.link.state?.camera?.lon === 113.5 + 27 / 100 && w.link.state.tourStep === 28 && w.link.state.window === '7d' && w.link.state.metric === 'open'
  await until('both browsers at the last change', () => last(wallA) && last(wallB), 5000)
  expect(wallA.link.state).toEqual(wallB.link.state)
  // Each change was shown by both, at nearly the same moment.
  const at = (x: typeof wallA) => new Map(x.seen.slice(1).map((v) => [v.state.version, v.at]))
  const ta = at(wallA)
  const tb = at(wallB)
  const skews = [...ta].filter(([v]) => tb.has(v)).map(([v, t]) => Math.abs(t - tb.get(v)!)).sort((x, y) => x - y)
  expect(skews.length).toBeGreaterThanOrEqual(30)
  const p99 = skews[Math.ceil(skews.length * 0.99) - 1]
  console.log(`wall across two live processes: ${skews.length} changes, apply skew p50 ${skews[skews.length >> 1].toFixed(1)} ms, p99 ${p99.toFixed(1)} ms`)
  expect(p99).toBeLessThan(100)
  // A browser that joins on a third process starts from the same state.
  const late = wallBrowser(live[2].port)
  await until('the late browser joined', () => late.link.state !== null, 5000)
  expect(late.link.state).toEqual(wallA.link.state)
}, 60_000)

test('the writer restarts: live processes keep serving the last state marked stale, and catch up when it is back', async () => {
  const c = screens[0]
  const before = received(c)
  const port = Number(new URL(writerUrl).port)
  await writer.stop()
  await until('screens told the figures are stale', () => screens.every((s) => s.status === 'stale'), 8000)
  expect(screens.every((s) => received(s) === before)).toBe(true) // the last state, still served
  for (const l of live) expect((await health(l)).follower).toMatchObject({ stale: true, writer: false })
  // A token no live process has checked yet cannot be checked now: the screen is told to try later, and does.
  const newcomer = screen(proxyUrl, d.keys.operator)
  await until('the newcomer refused for now', () => newcomer.error?.startsWith(TRY_LATER) === true, 8000)
  expect(newcomer.error).not.toContain('127.0.0.1') // the writer's address stays inside

  writer = await startWriter(port)
  const caseId = await report(writerUrl, d.keys.hotline)
  await until('the new case on every screen', () => screens.every((s) => s.ticker.some((t) => t.caseId === caseId)), 8000)
  await until('screens live again, the newcomer too', () => screens.every((s) => s.status === 'live'), 8000)
  await allMatchRecompute()
  // The wall's browsers stayed connected to their live processes; the restarted writer still conducts them.
  expect((await drive({ scope: '410103002', metric: 'overdue' })).status).toBe(200)
  await until('the wall follows the restarted writer', () => [wallA, wallB].every((w) => w.link.state?.scope === '410103002' && w.link.state.metric === 'overdue'), 5000)
}, 90_000)

test('a revoked token’s screens are disconnected on every live process, and refused when they come back', async () => {
  const db = openDb(d.file)
  const k = new Keys(db)
  const { id, secret } = k.create({ role: 'viewer', name: 'a wall to revoke' })
  const doomed = [...live.map((l) => screen(`http://127.0.0.1:${l.port}`, secret)), screen(proxyUrl, secret)]
  await until('the doomed screens live', () => doomed.every((c) => c.status === 'live'), 10_000)
  // As `npm run keys -- revoke` does: in the database, beside the running writer, which notices within a second.
  expect(k.revoke(id)).toBe(true)
  db.$client.close()
  const ms = await until('every doomed screen told and disconnected', () => doomed.every((c) => c.revoked && !c.socket.connected), 8000)
  console.log(`revocation reached screens on ${live.length} live processes in ${ms} ms`)
  const again = screen(proxyUrl, secret)
  await until('refused when it comes back', () => again.revoked || again.error !== null, 8000)
  expect(again.error).toMatch(new RegExp(`^${ACCESS_REVOKED}`))
  for (const c of [...doomed, again]) screens.splice(screens.indexOf(c), 1), c.dispose()
}, 60_000)

test('kill -9 a live process: its screens reconnect through the proxy to another within 3 s, totals right, nothing counted twice', async () => {
  const proxied = Array.from({ length: 6 }, () => screen(proxyUrl))
  await until('proxied screens live', () => proxied.every((c) => c.status === 'live'), 10_000)
  const counts = await Promise.all(live.map(async (l) => (await health(l)).hub.sockets))
  const victim = counts.indexOf(Math.max(...counts))
  // Direct screens of the victim have no other way in; proxied ones do.
  const victimDirect = screens[victim]
  const t0 = Date.now()
  live[victim].child.kill('SIGKILL')
  await until('the victim’s screens to drop', () => proxied.some((c) => !c.socket.connected), 2000)
  const dropped = proxied.filter((c) => !c.socket.connected)
  expect(dropped.length).toBeGreaterThan(0)
  const snapshotsBefore = dropped.map((c) => c.snapshots)
  await until('the dropped screens back with a fresh snapshot', () => dropped.every((c, i) => c.socket.connected && c.snapshots > snapshotsBefore[i] && c.status === 'live'), 5000)
  expect(Date.now() - t0).toBeLessThan(3000)
  live.splice(victim, 1)
  screens.splice(screens.indexOf(victimDirect), 1)
  victimDirect.dispose()

  const caseId = await report(writerUrl, d.keys.hotline)
  const total = casesInDb()
  await until('the next case on every proxied screen', () => proxied.every((c) => c.ticker.some((t) => t.caseId === caseId)), 3000)
  await until('totals', () => proxied.every((c) => received(c) === total), 3000)
  await allMatchRecompute()
}, 60_000)
