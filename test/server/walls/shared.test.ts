// What a wall's browsers change for each other (wall:set): a window button, the map's metric and a hold of the
// tour on one browser reach the others; what is not a window, a metric, a near time or a visible grid is
// refused saying which field; a camera is passed on with its known fields only.
import { afterAll, beforeAll, expect, test } from 'vitest'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { io, type Socket } from 'socket.io-client'
import { buildTestServer, type TestServer } from '../helpers'
import { loadConfig } from '../../../server/config'
import { LIVE_NAMESPACE } from '../../../shared/protocol'
import { liveParser } from '../../../shared/socket-parser'
import { MAX_TOUR_HOLD_MS, WALL_EVENTS, type WallChange, type WallJoinAck, type WallSetAck } from '../../../shared/conductor'
import { until } from '../../until'

let s: TestServer
let url: string
const sockets: Socket[] = []

beforeAll(async () => {
  s = await buildTestServer({ walls: loadConfig({ ONESCREEN_WALLS: join(__dirname, '../../../fixtures/walls.example.json') }).walls })
  await s.app.listen({ port: 0, host: '127.0.0.1' })
  url = `http://127.0.0.1:${(s.app.server.address() as AddressInfo).port}`
})
afterAll(async () => {
  for (const k of sockets) k.disconnect()
  await s.close()
})

async function browser(token = s.keys.viewer) {
  const sock = io(url + LIVE_NAMESPACE, { transports: ['websocket'], auth: { token }, parser: liveParser })
  sockets.push(sock)
  const heard: WallChange[] = []
  sock.on(WALL_EVENTS.state, (c: WallChange) => heard.push(c))
  const ack = (await sock.timeout(3000).emitWithAck(WALL_EVENTS.join, 'hall-4x2')) as WallJoinAck
  if (!ack.ok) throw new Error(ack.error)
  const set = (patch: unknown) => sock.timeout(3000).emitWithAck(WALL_EVENTS.set, patch) as Promise<WallSetAck>
  return { heard, set, serverNow: ack.serverNow }
}

test('a window, a metric and a tour hold set on one browser reach the other', async () => {
  const a = await browser()
  const b = await browser()
  const until_ = a.serverNow + 60_000
  expect(await a.set({ window: '7d', metric: 'overdue', tourHeldUntil: until_ })).toEqual({ ok: true })
  await until('b hears it', () => b.heard.length > 0, 1000)
  expect(b.heard.at(-1)!.state).toMatchObject({ window: '7d', metric: 'overdue', tourHeldUntil: until_ })
})

test('a camera is passed on with its known fields only, and its grid must be one the screen may see', async () => {
  const a = await browser()
  const b = await browser()
  expect(await a.set({ camera: { lon: 113.6, lat: 34.7, zoom: 12, grid: '410103002', note: 'x'.repeat(1000) } })).toEqual({ ok: true })
  await until('b hears the camera', () => b.heard.some((c) => c.state.camera?.grid === '410103002'), 1000)
  expect(b.heard.at(-1)!.state.camera).toEqual({ lon: 113.6, lat: 34.7, zoom: 12, grid: '410103002' })
  const street = await browser(s.keys.streetViewer)
  expect(await street.set({ camera: { lon: 113.6, lat: 34.7, zoom: 12, grid: '410103002' } })).toMatchObject({ ok: false, error: expect.stringMatching(/camera.grid "410103002"/) })
  expect(await a.set({ camera: { lon: 113.6, lat: 34.7, zoom: 12, grid: 'DROP TABLE' } })).toMatchObject({ ok: false, error: expect.stringMatching(/camera.grid/) })
})

test('refusals name the field', async () => {
  const a = await browser()
  const cases: [unknown, RegExp][] = [
    [{ window: 'year' }, /window must be one of today, 7d, month, all/],
    [{ metric: 'pressure' }, /metric must be one of received/],
    [{ tourHeldUntil: a.serverNow + MAX_TOUR_HOLD_MS + 60_000 }, /tourHeldUntil must be a time \(ms\) at most 10 minutes ahead/],
    [{ tourHeldUntil: 'soon' }, /tourHeldUntil/],
    [{ hold: { browser: 1, ms: -5 } }, /hold must be \{ browser: 0–64, ms: 0–60000 \}/],
    [{ hold: 'slow' }, /hold must be/],
  ]
  for (const [patch, message] of cases) expect(await a.set(patch), JSON.stringify(patch)).toMatchObject({ ok: false, error: expect.stringMatching(message) })
})
