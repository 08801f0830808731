// Slow-screen tracking through engine.io's public API: a websocket screen's backlog is its transport's
// `writable`, with no listener run for each frame written to it; a long-polling screen's buffer is counted
// through the connection's events only while it is on polling.
import { afterAll, beforeAll, expect, test } from 'vitest'
import type { AddressInfo } from 'node:net'
import { io, type Socket as ClientSocket } from 'socket.io-client'
import type { Socket } from 'socket.io'
import { AT, buildTestServer, post, reportBody, type TestServer } from '../helpers'
import { EVENTS, LIVE_NAMESPACE } from '../../../shared/protocol'
import { decodeDelta } from '../../../shared/wire'
import { liveParser } from '../../../shared/socket-parser'
import { SLOW_ROOM } from '../../../server/live/hub'
import { until } from '../../until'

let s: TestServer
let url: string
const socks: ClientSocket[] = []

beforeAll(async () => {
  // Housekeeping only when the test runs it.
  s = await buildTestServer({ tickMs: 60_000 })
  await s.app.listen({ port: 0, host: '127.0.0.1' })
  url = `http://127.0.0.1:${(s.app.server.address() as AddressInfo).port}`
})
afterAll(async () => {
  for (const x of socks) x.disconnect()
  await s.close()
})

function screen(transports: string[], upgrade = true) {
  const sock = io(url + LIVE_NAMESPACE, { transports, upgrade, forceNew: true, reconnection: false, parser: liveParser })
  socks.push(sock)
  const seen = { snapshots: 0, deltas: [] as ReturnType<typeof decodeDelta>[] }
  sock.on('connect', () => sock.emit(EVENTS.subscribe, { scope: '410103', window: 'today' }))
  sock.on(EVENTS.snapshot, () => seen.snapshots++)
  sock.on(EVENTS.delta, (b: Uint8Array) => seen.deltas.push(decodeDelta(b)))
  return { sock, seen }
}
const serverSide = (sock: ClientSocket) => s.app.live.nsp.sockets.get(sock.id!) as Socket

test('a websocket screen is watched without a listener on every write', async () => {
  const { sock, seen } = screen(['websocket'])
  await until('the snapshot', () => seen.snapshots === 1)
  const conn = serverSide(sock).conn
  expect(conn.transport.name).toBe('websocket')
  expect(conn.listenerCount('packetCreate')).toBe(0)
  expect(conn.listenerCount('drain')).toBe(0)
})

test('a long-polling screen is counted while on polling, and no longer once it upgrades', async () => {
  const { sock, seen } = screen(['polling'], false)
  await until('the snapshot', () => seen.snapshots === 1)
  expect(serverSide(sock).conn.listenerCount('packetCreate')).toBe(1)

  const upgrading = screen(['polling', 'websocket'])
  await until('the upgrade', () => upgrading.sock.io.engine?.transport.name === 'websocket' && upgrading.seen.snapshots === 1)
  const conn = serverSide(upgrading.sock).conn
  await until('the server side upgraded', () => conn.transport.name === 'websocket')
  expect(conn.listenerCount('packetCreate')).toBe(0)
  expect(conn.listenerCount('drain')).toBe(0)
})

test('a stale mark in a round that also frames a room does not park its screens', async () => {
  const { sock, seen } = screen(['websocket'])
  await until('the snapshot', () => seen.snapshots === 1)
  const r = await post(s.app, '/api/cases', reportBody(AT.a1), s.keys.hotline)
  expect(r.statusCode, r.body).toBe(201)
  const skipped = s.app.live.stats.skipped
  // The commit is folded in but not framed yet: housekeeping frames it, and marks every room stale, in one turn.
  s.app.live.setStale(true)
  s.app.live.housekeeping()
  expect(s.app.live.stats.skipped).toBe(skipped)
  expect(s.app.live.nsp.adapter.rooms.get(SLOW_ROOM)?.has(sock.id!) ?? false).toBe(false)
  await until('the stale frame', () => seen.deltas.some((d) => d.stale === true && d.ticker?.length))
  s.app.live.setStale(false)
  s.app.live.housekeeping()
  await until('current again', () => seen.deltas.at(-1)!.stale !== true)
})

test('a frame reaches exactly the screens in its room as they join, leave and disconnect', async () => {
  const a = screen(['websocket'])
  await until('a: snapshot', () => a.seen.snapshots === 1)
  const report = async () => {
    const r = await post(s.app, '/api/cases', reportBody(AT.a1), s.keys.hotline)
    expect(r.statusCode, r.body).toBe(201)
    return (r.json() as { id: number }).id
  }
  const got = (x: typeof a, id: number) => x.seen.deltas.some((d) => d.ticker?.some((t) => t.caseId === id))
  const first = await report()
  await until('a: the first case', () => got(a, first))

  const b = screen(['websocket'])
  await until('b: snapshot', () => b.seen.snapshots === 1)
  const second = await report()
  await until('a and b: the second case', () => got(a, second) && got(b, second))

  // a moves to another street's room, b leaves altogether: the district's next frame goes to neither.
  a.sock.emit(EVENTS.subscribe, { scope: '410103002', window: 'today' })
  await until('a: the street snapshot', () => a.seen.snapshots === 2)
  b.sock.disconnect()
  await until('b gone', () => !s.app.live.nsp.sockets.has(b.sock.id ?? ''))
  const c = screen(['websocket'])
  await until('c: snapshot', () => c.seen.snapshots === 1)
  const third = await report()
  await until('c: the third case', () => got(c, third))
  await new Promise((r) => setTimeout(r, 200))
  expect(got(a, third)).toBe(false)
  expect(got(b, third)).toBe(false)
})
