// A revoked token stops streaming (issue 10 §3): its open screens are told "access revoked" and disconnected
// within the key cache's 5 s, whichever process revoked it, and their reconnection is refused.
import { describe, expect, test } from 'vitest'
import { io, type Socket } from 'socket.io-client'
import { AT, suiteServer, post, reportBody, type TestServer } from '../helpers'
import { LiveClient } from '../../../client/live/liveClient'
import { VERIFY_CACHE_MS } from '../../../server/keys'
import { ACCESS_REVOKED, EVENTS, LIVE_NAMESPACE } from '../../../shared/protocol'
import { liveParser } from '../../../shared/socket-parser'
import { until } from '../../until'

/** Revocation is checked once a second, and a refused screen retries with backoff. */
const WITHIN = 8000

let s: TestServer
let url: string
const open: { dispose(): void }[] = []

suiteServer((x, u) => ((s = x), (url = u)), { tickMs: 30 }, {
  listen: true,
  beforeClose: () => {
    for (const c of open) c.dispose()
  },
})

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

function screen(token: string, scope = '410103') {
  let frames = 0
  const c = new LiveClient({ url, token, socket: { transports: ['websocket'], reconnectionDelay: 50, reconnectionDelayMax: 100 }, onFrame: () => (frames++, true) })
  open.push(c)
  c.subscribe(scope, 'today')
  return { c, frames: () => frames }
}

/** A client that ignores the reason and keeps coming back, as a hostile or outdated screen would. */
function stubborn(token: string) {
  const sock: Socket = io(url + LIVE_NAMESPACE, {
    transports: ['websocket'], auth: { token }, parser: liveParser, reconnectionDelay: 50, reconnectionDelayMax: 100,
  })
  open.push({ dispose: () => sock.disconnect() })
  const seen = { snapshots: 0, deltas: 0, revoked: 0, refusals: [] as string[] }
  sock.on('connect', () => sock.emit(EVENTS.subscribe, { scope: '410103', window: 'today' }))
  sock.on(EVENTS.snapshot, () => seen.snapshots++)
  sock.on(EVENTS.delta, () => seen.deltas++)
  sock.on(EVENTS.revoked, () => seen.revoked++)
  sock.on('disconnect', () => setTimeout(() => sock.connect(), 50))
  sock.on('connect_error', (e) => {
    seen.refusals.push(e.message)
    setTimeout(() => sock.connect(), 50)
  })
  return { sock, seen }
}

const report = async () => expect((await post(s.app, '/api/cases', reportBody(AT.a1), s.keys.hotline)).statusCode).toBe(201)

describe('a revoked token', () => {
  test('revoked by another process (the CLI): its screens end within 5 s with "access revoked"; others stream on', async () => {
    const { id, secret } = s.app.keys.create({ role: 'viewer', name: 'lost tablet' })
    const lost = screen(secret)
    const raw = stubborn(secret)
    const other = screen(s.keys.viewer)
    await until('three live screens', () => lost.c.status === 'live' && other.c.status === 'live' && raw.seen.snapshots === 1, WITHIN)

    s.db.$client.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ?').run(Date.now(), id) // as `npm run keys -- revoke` does
    const t0 = Date.now()
    await until('the screen to hear it was revoked', () => lost.c.revoked && raw.seen.revoked === 1, WITHIN)
    const took = Date.now() - t0
    expect(took).toBeLessThan(VERIFY_CACHE_MS)
    expect(lost.c.status).toBe('offline')
    expect(lost.c.error).toBe(ACCESS_REVOKED)

    // Neither the well-behaved screen nor the stubborn one gets another frame, however they try.
    await until('the stubborn client to be refused', () => raw.seen.refusals.length >= 2, WITHIN)
    expect(raw.seen.refusals.every((m) => m.startsWith(ACCESS_REVOKED))).toBe(true)
    const before = { lost: lost.frames(), raw: raw.seen.snapshots + raw.seen.deltas, other: other.frames() }
    await report()
    await sleep(400)
    expect(lost.frames()).toBe(before.lost)
    expect(raw.seen.snapshots + raw.seen.deltas).toBe(before.raw)
    expect(lost.c.socket.connected).toBe(false)
    expect(raw.sock.connected).toBe(false)
    expect(other.frames()).toBeGreaterThan(before.other)
    expect(other.c.status).toBe('live')

    // HTTP says the same.
    const r = await s.app.inject({ url: '/api/cases', headers: { authorization: `Bearer ${secret}` } })
    expect(r.statusCode).toBe(401)
    expect(r.json().message).toContain(ACCESS_REVOKED)
  })

  test('revoked by this process: its screens end at once', async () => {
    const { id, secret } = s.app.keys.create({ role: 'viewer', name: 'street wall', scope: '410103001' })
    const wall = screen(secret, '410103001')
    await until('a live screen', () => wall.c.status === 'live', WITHIN)
    const t0 = Date.now()
    expect(s.app.keys.revoke(id)).toBe(true)
    await until('the screen to hear it was revoked', () => wall.c.revoked, WITHIN)
    expect(Date.now() - t0).toBeLessThan(500)
    for (const sock of s.app.live.nsp.sockets.values()) expect((sock.data as { viewer: { id: number } }).viewer.id).not.toBe(id)
  })
})
