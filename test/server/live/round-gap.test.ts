// The least time between framing rounds (ONESCREEN_FRAME_ROUND_GAP_MS): under load, the commits that arrive
// within it are framed in one round, not one round each; a commit after a quiet spell is still framed at once.
import { afterAll, beforeAll, expect, test } from 'vitest'
import type { AddressInfo } from 'node:net'
import { io, type Socket } from 'socket.io-client'
import { AT, buildTestServer, post, reportBody, type TestServer } from '../helpers'
import { EVENTS, LIVE_NAMESPACE, type Delta } from '../../../shared/protocol'
import { decodeDelta } from '../../../shared/wire'
import { liveParser } from '../../../shared/socket-parser'
import { until } from '../../until'

const GAP_MS = 600
let s: TestServer
let sock: Socket
const deltas: { at: number; d: Delta }[] = []

beforeAll(async () => {
  // No coalescing and no room cap to speak of: only the gap between rounds can put two commits in one frame.
  s = await buildTestServer({ tickMs: 60_000, frameMinMs: 10, frameCoalesceMs: 0, frameMsPerScreen: 0, frameRoundGapMs: GAP_MS })
  await s.app.listen({ port: 0, host: '127.0.0.1' })
  const url = `http://127.0.0.1:${(s.app.server.address() as AddressInfo).port}`
  sock = io(url + LIVE_NAMESPACE, { transports: ['websocket'], forceNew: true, reconnection: false, parser: liveParser })
  let snapshot = false
  sock.on('connect', () => sock.emit(EVENTS.subscribe, { scope: '410103', window: 'today' }))
  sock.on(EVENTS.snapshot, () => (snapshot = true))
  sock.on(EVENTS.delta, (b: Uint8Array) => deltas.push({ at: performance.now(), d: decodeDelta(b) }))
  await until('the snapshot', () => snapshot)
})
afterAll(async () => {
  sock.disconnect()
  await s.close()
})

const report = async (description: string) => {
  const r = await post(s.app, '/api/cases', reportBody(AT.a1, { description }), s.keys.hotline)
  expect(r.statusCode, r.body).toBe(201)
  return (r.json() as { id: number }).id
}
const frameOf = (id: number) => deltas.find((x) => x.d.ticker?.some((t) => t.caseId === id))

test('commits within the gap after a round are framed together in the next round, and nothing is lost', async () => {
  await new Promise((r) => setTimeout(r, GAP_MS * 1.5))
  const first = await report('先')
  await until('the first report on the screen', () => frameOf(first) !== undefined)
  const rounds = s.app.live.stats.ticks
  // Each would have had a round (and a frame) of its own straight after its commit.
  const later = [await report('后一')]
  await new Promise((r) => setTimeout(r, 100))
  later.push(await report('后二'))
  await until('the later reports on the screen', () => later.every((id) => frameOf(id) !== undefined), GAP_MS * 4)
  const frames = new Set(later.map((id) => frameOf(id)))
  expect(frames.size).toBe(1)
  const [frame] = frames
  expect(frame!.at - frameOf(first)!.at).toBeGreaterThan(GAP_MS * 0.8)
  expect(s.app.live.stats.ticks - rounds).toBe(1)
  // The frames chain without a gap: nothing was skipped.
  for (let i = 1; i < deltas.length; i++) expect(deltas[i].d.base).toBe(deltas[i - 1].d.seq)
})

test('a commit after a quiet spell longer than the gap is framed at once', async () => {
  await new Promise((r) => setTimeout(r, GAP_MS * 1.5))
  const t0 = performance.now()
  const id = await report('安静之后')
  await until('the report on the screen', () => frameOf(id) !== undefined)
  expect(frameOf(id)!.at - t0).toBeLessThan(GAP_MS / 3)
})
