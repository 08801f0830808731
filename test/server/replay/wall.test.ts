// The wall control (大屏联动) and replay: a control key starts a replay on a wall, and every browser of the
// wall leaves live mode together; a browser that joins later takes part; stop brings them all back to live.
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { AT, buildTestServer, post, reportBody, type TestServer } from '../helpers'
import { loadConfig } from '../../../server/config'
import { LiveClient } from '../../../client/live/liveClient'
import { WALL_EVENTS } from '../../../shared/conductor'
import { until } from '../../until'

const walls = loadConfig({ ONESCREEN_WALLS: join(__dirname, '../../../fixtures/walls.example.json') }).walls
const HOUR = 3_600_000
const iso = (t: number) => new Date(t).toISOString()
let s: TestServer
let url: string
let control: string
const clients: LiveClient[] = []
const t0 = Date.now() - 30 * HOUR

beforeAll(async () => {
  s = await buildTestServer({ walls })
  control = s.app.keys.create({ role: 'control', name: '书记 tablet' }).secret
  const items = Array.from({ length: 12 }, (_, i) => ({ type: 'report', ...reportBody(AT.a1), reportedAt: iso(t0 + i * 2 * HOUR) }))
  expect((await post(s.app, '/api/ingest/batch', { items }, s.keys.hotline)).statusCode).toBeLessThan(300)
  await s.app.listen({ port: 0, host: '127.0.0.1' })
  url = `http://127.0.0.1:${(s.app.server.address() as AddressInfo).port}`
})
afterAll(async () => {
  for (const c of clients) c.dispose()
  await s.close()
})

/** A browser of a wall: a live screen that has joined the wall. */
async function browser(wall: string) {
  const c = new LiveClient({ url, token: s.keys.viewer, socket: { transports: ['websocket'] } })
  clients.push(c)
  c.subscribe('410103', 'today')
  await until('a live snapshot', () => c.snapshots > 0, 5000)
  await c.socket.timeout(3000).emitWithAck(WALL_EVENTS.join, wall)
  return c
}

const control$ = (wall: string, body: object, token = control) =>
  s.app.inject({ method: 'POST', url: `/api/walls/${wall}/replay`, payload: body, headers: { authorization: `Bearer ${token}` } })

describe('a replay on a wall', () => {
  test('the control starts it on every browser of the wall, a late browser joins it, stop brings them back live', async () => {
    const a = await browser('hall-4x2')
    const b = await browser('hall-4x2')
    const other = await browser('hall-3x3')
    const at = t0 + 5 * HOUR
    const r = await control$('hall-4x2', { op: 'start', at: iso(at), speed: 600, play: false })
    expect(r.statusCode, r.body).toBe(200)
    expect(r.json().replay).toMatchObject({ at, speed: 600, playing: false, scope: '410103', window: 'today' })
    for (const c of [a, b]) await until('the wall replays', () => c.replay?.at === at && c.frameAt === at, 5000)
    expect(a.panels!.kpis.all.counters.received).toBe(3)
    expect(other.replay).toBeNull()

    const late = await browser('hall-4x2')
    await until('the late browser joins the replay', () => late.replay !== null && late.frameAt === at, 5000)
    expect(late.panels!.kpis.all.counters.received).toBe(3)

    const seek = await control$('hall-4x2', { op: 'seek', at: iso(at + 4 * HOUR) })
    expect(seek.statusCode, seek.body).toBe(200)
    for (const c of [a, b, late]) await until('every browser at the new moment', () => c.frameAt === at + 4 * HOUR, 5000)
    expect(b.panels!.kpis.all.counters.received).toBe(5)

    expect((await control$('hall-4x2', { op: 'stop' })).json()).toEqual({ replay: null })
    for (const c of [a, b, late]) await until('live again', () => c.replay === null && c.panels!.kpis.all.counters.received === 12, 5000)
    expect(s.app.replay.screens.replays).toBe(0)
    for (const c of [a, b, late, other]) c.dispose()
  }, 30_000)

  test('only a control key covering the wall drives it; nothing runs on a wall without browsers', async () => {
    const viewer = await control$('hall-4x2', { op: 'start', at: iso(t0 + HOUR) }, s.keys.viewer)
    expect(viewer.statusCode).toBe(403)
    const street = s.app.keys.create({ role: 'control', name: '淮河路 tablet', scope: '410103001' }).secret
    expect((await control$('hall-4x2', { op: 'start', at: iso(t0 + HOUR) }, street)).statusCode).toBe(403)
    expect((await control$('no-such-wall', { op: 'start', at: iso(t0 + HOUR) })).statusCode).toBe(404)
    const before = await control$('hall-3x3', { op: 'start', at: iso(t0 - 24 * HOUR) })
    expect(before.statusCode).toBe(422)
    expect(before.json()).toMatchObject({ field: 'at', message: expect.stringMatching(/before the log begins/) })
    const none = await control$('hall-3x3', { op: 'pause' })
    expect(none.statusCode).toBe(409)
    expect(none.json().message).toMatch(/not replaying/)
  })

  test('a replay of a wall ends when its last browser leaves', async () => {
    const a = await browser('hall-3x3')
    expect((await control$('hall-3x3', { op: 'start', at: iso(t0 + HOUR), play: false })).statusCode).toBe(200)
    await until('replaying', () => a.replay !== null, 5000)
    a.dispose()
    await until('the replay ends with its wall', () => s.app.replay.screens.replays === 0, 5000)
    expect((await control$('hall-3x3', { op: 'start', at: iso(t0 + HOUR) })).statusCode).toBe(409)
  })
})
