// A tablet with a control key drives a wall; the wall's browsers share its state through the conductor.
import { afterAll, beforeAll, expect, test } from 'vitest'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { io, type Socket } from 'socket.io-client'
import { AT, buildTestServer, post, reportBody, type TestServer } from '../helpers'
import { loadConfig } from '../../../server/config'
import { LIVE_NAMESPACE } from '../../../shared/protocol'
import { liveParser } from '../../../shared/socket-parser'
import { WALL_EVENTS, type WallChange, type WallJoinAck, type WallSetAck } from '../../../shared/conductor'
import { until } from '../../until'

const walls = loadConfig({ ONESCREEN_WALLS: join(__dirname, '../../../fixtures/walls.example.json') }).walls
let s: TestServer
let url: string
let control: string
let streetControl: string
const sockets: Socket[] = []

beforeAll(async () => {
  s = await buildTestServer({ walls, wallIdleMs: 1500 })
  control = s.app.keys.create({ role: 'control', name: '书记 tablet' }).secret
  streetControl = s.app.keys.create({ role: 'control', name: '淮河路 tablet', scope: '410103001' }).secret
  await s.app.listen({ port: 0, host: '127.0.0.1' })
  url = `http://127.0.0.1:${(s.app.server.address() as AddressInfo).port}`
})
afterAll(async () => {
  for (const k of sockets) k.disconnect()
  await s.close()
})

/** One browser of a wall: joined, keeping every change it hears. */
async function browser(wall: string, token = s.keys.viewer) {
  const sock = io(url + LIVE_NAMESPACE, { transports: ['websocket'], auth: { token }, parser: liveParser })
  sockets.push(sock)
  const heard: { change: WallChange; at: number }[] = []
  sock.on(WALL_EVENTS.state, (change: WallChange) => heard.push({ change, at: Date.now() }))
  const ack = (await sock.timeout(3000).emitWithAck(WALL_EVENTS.join, wall)) as WallJoinAck
  return { sock, heard, ack }
}

const drive = (wall: string, body: unknown, token?: string) =>
  s.app.inject({ method: 'POST', url: `/api/walls/${wall}/drive`, payload: body as object, headers: token ? { authorization: `Bearer ${token}` } : {} })

test('a control key sends a wall to a street: both browsers hear it within 300 ms, with who drives; a late joiner gets the state', async () => {
  const a = await browser('hall-4x2')
  const b = await browser('hall-4x2')
  const other = await browser('hall-3x3')
  expect(a.ack).toMatchObject({ ok: true, change: { state: { scope: '410103', window: 'today', driver: null } } })
  const t0 = Date.now()
  const res = await drive('hall-4x2', { scope: '410103001', window: '7d', metric: 'overdue' }, control)
  expect(res.statusCode, res.body).toBe(200)
  expect(res.json()).toMatchObject({ scope: '410103001', window: '7d', metric: 'overdue', driver: '书记 tablet' })
  for (const x of [a, b]) await until('the drive reaches the browser', () => x.heard.length > 0, 300)
  for (const x of [a, b]) expect(x.heard[0].change.state).toMatchObject({ scope: '410103001', window: '7d', metric: 'overdue', driver: { name: '书记 tablet' } })
  expect(Math.max(a.heard[0].at, b.heard[0].at) - t0).toBeLessThan(300)
  expect(other.heard).toHaveLength(0)
  // A browser that reloads joins again and starts from the wall's current state.
  const again = await browser('hall-4x2')
  expect(again.ack).toMatchObject({ ok: true, change: { state: { scope: '410103001', window: '7d', driver: { name: '书记 tablet' } } } })
})

test('a drill-down in one browser shows in the others; outside the viewer’s scope it is refused', async () => {
  const a = await browser('hall-3x3')
  const b = await browser('hall-3x3')
  const ack = (await a.sock.emitWithAck(WALL_EVENTS.set, { drill: '410103002', camera: { lon: 113.6, lat: 34.7, zoom: 13 } })) as WallSetAck
  expect(ack).toEqual({ ok: true })
  await until('b hears the drill-down', () => b.heard.some((h) => h.change.state.drill === '410103002'), 1000)
  expect(b.heard.at(-1)!.change.state.camera).toEqual({ lon: 113.6, lat: 34.7, zoom: 13 })
  const street = await browser('hall-3x3', s.keys.streetViewer)
  expect(await street.sock.emitWithAck(WALL_EVENTS.set, { drill: '410103002' })).toMatchObject({ ok: false, error: expect.stringMatching(/410103002/) })
  expect(await a.sock.emitWithAck(WALL_EVENTS.set, { tourStep: -1 })).toMatchObject({ ok: false, error: expect.stringMatching(/tourStep/) })
})

test('refusals: no key, a viewer token, an operator key, outside the key’s street, unknown wall, bad field', async () => {
  const cases: [unknown, string | undefined, number, RegExp, string?][] = [
    [{ scope: '410103001' }, undefined, 401, /control key is required/],
    [{ scope: '410103001' }, s.keys.viewer, 403, /viewer token cannot drive walls/],
    [{ scope: '410103001' }, s.keys.operator, 403, /operator key cannot drive walls/],
    [{ scope: '410103002' }, streetControl, 403, /covers 410103001, not 410103002/],
    [{ metric: 'open' }, streetControl, 403, /covers 410103001, not 410103 \(send the wall to a scope inside it first\)/, 'hall-3x3'],
    [{ scope: '410103001' }, control, 404, /no wall "lobby"/, 'lobby'],
    [{ metric: 'pressure' }, control, 400, /metric/],
    [{ scope: '410103009' }, control, 422, /not a grid of the district/],
    [{}, control, 400, /./],
  ]
  for (const [body, token, status, message, wall] of cases) {
    const res = await drive(wall ?? 'hall-3x3', body, token)
    expect(res.statusCode, `${JSON.stringify(body)}: ${res.body}`).toBe(status)
    expect(res.json().message).toMatch(message)
  }
  // A control key does not write either.
  expect((await post(s.app, '/api/cases', reportBody(AT.a1), control)).statusCode).toBe(403)
  // Inside its street, the street's key drives.
  expect((await drive('hall-3x3', { scope: '4101030010010101', metric: 'open' }, streetControl)).statusCode).toBe(200)
})

test('after the idle time without a drive, the wall returns to its tour at its default scope', async () => {
  const a = await browser('hall-3x3')
  expect((await drive('hall-3x3', { scope: '410103002' }, control)).statusCode).toBe(200)
  await until('the wall returns to the tour', () => a.heard.some((h) => h.change.state.driver === null), 3000)
  expect(a.heard.at(-1)!.change.state).toMatchObject({ scope: '410103', driver: null, drill: null })
})

test('browsers apply a change at its apply-at time: skew p99 under 50 ms over 60 drives', async () => {
  const a = await browser('hall-4x2')
  const b = await browser('hall-4x2')
  const applied = (x: typeof a) => {
    const at = new Map<number, number>()
    // Each browser holds a change until its apply-at (here both share the server's clock: loopback).
    x.sock.on(WALL_EVENTS.state, (c: WallChange) => setTimeout(() => at.set(c.state.version, performance.now()), c.applyAt - Date.now()))
    return at
  }
  const ta = applied(a)
  const tb = applied(b)
  for (let i = 0; i < 60; i++) {
    await drive('hall-4x2', { metric: i % 2 ? 'open' : 'received' }, control)
    await new Promise((r) => setTimeout(r, 10))
  }
  await until('both applied every change', () => ta.size >= 60 && tb.size >= 60, 5000)
  const skews = [...ta].map(([v, t]) => Math.abs(t - tb.get(v)!)).sort((x, y) => x - y)
  const p99 = skews[Math.ceil(skews.length * 0.99) - 1]
  console.log(`wall apply skew over ${skews.length} changes: p50 ${skews[skews.length >> 1].toFixed(1)} ms, p99 ${p99.toFixed(1)} ms`)
  expect(p99).toBeLessThan(50)
})

test('GET /api/walls/:name/state: a control key sees where the wall points and who drives it; others are refused', async () => {
  const look = (wall: string, token?: string) =>
    s.app.inject({ method: 'GET', url: `/api/walls/${wall}/state`, headers: token ? { authorization: `Bearer ${token}` } : {} })
  const before = await look('hall-3x3', streetControl)
  expect(before.statusCode, before.body).toBe(200)
  expect((await drive('hall-3x3', { scope: '410103001', window: 'month', metric: 'overdue' }, streetControl)).statusCode).toBe(200)
  const after = (await look('hall-3x3', control)).json()
  expect(after).toMatchObject({ name: 'hall-3x3', scope: '410103001', window: 'month', metric: 'overdue', case: null, driver: { name: '淮河路 tablet' } })
  expect(after.version).toBeGreaterThan(before.json().version)
  expect(after.driver.until).toBeGreaterThan(Date.now())
  const refusals: [string, string | undefined, number, RegExp][] = [
    ['hall-3x3', undefined, 401, /control key is required/],
    ['hall-3x3', s.keys.viewer, 403, /viewer token cannot drive walls/],
    ['hall-3x3', s.keys.operator, 403, /operator key cannot drive walls/],
    ['lobby', control, 404, /no wall "lobby"/],
  ]
  for (const [wall, token, status, message] of refusals) {
    const res = await look(wall, token)
    expect(res.statusCode, res.body).toBe(status)
    expect(res.json().message).toMatch(message)
  }
  await until('the wall returns to its tour', async () => (await look('hall-3x3', control)).json().driver === null, 3000)
  expect((await look('hall-3x3', control)).json()).toMatchObject({ scope: '410103', window: 'today', metric: 'received', driver: null })
})
