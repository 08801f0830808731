// The live stream end to end: a real server on a port, screens as socket.io-clients through LiveClient.
import { describe, expect, test } from 'vitest'
import { connect, createServer, type AddressInfo, type Socket } from 'node:net'
import { io } from 'socket.io-client'
import { AT, MATTERS, buildTestServer, suiteServer, post, reportBody, type TestServer } from '../helpers'
import { LiveClient } from '../../../client/live/liveClient'
import { C } from '../../../shared/counters'
import { EVENTS, GRID_METRICS, LIVE_NAMESPACE, type SubscribeAck, type Window } from '../../../shared/protocol'
import { liveParser } from '../../../shared/socket-parser'
import { until } from '../../until'

let s: TestServer
let url: string
const clients: LiveClient[] = []

suiteServer((x, u) => ((s = x), (url = u)), { tickMs: 30 }, {
  listen: true,
  beforeClose: () => {
    for (const c of clients) c.dispose()
  },
})


/** A TCP proxy to the server whose server→screen direction can be paused (a screen on a stalled network). */
async function pausableProxy(to: number) {
  const upstreams = new Map<Socket, Socket>()
  let paused = false
  const server = createServer((down) => {
    const up = connect(to, '127.0.0.1')
    upstreams.set(up, down)
    down.pipe(up)
    up.pipe(down)
    if (paused) up.unpipe(down).pause()
    const end = () => (up.destroy(), down.destroy(), upstreams.delete(up))
    up.on('error', end).on('close', end)
    down.on('error', end).on('close', end)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return {
    port: (server.address() as AddressInfo).port,
    pause: () => ((paused = true), upstreams.forEach((down, up) => up.unpipe(down).pause())),
    resume: () => ((paused = false), upstreams.forEach((down, up) => up.pipe(down))),
    close: () => (upstreams.forEach((_, up) => up.destroy()), server.close()),
  }
}

function client(opts: ConstructorParameters<typeof LiveClient>[0] = {}) {
  const c = new LiveClient({ url, socket: { transports: ['websocket'] }, ...opts })
  clients.push(c)
  return c
}

const report = async (extra: Record<string, unknown> = {}, at: readonly [number, number] = AT.a1) => {
  const r = await post(s.app, '/api/cases', reportBody(at, extra), s.keys.hotline)
  expect(r.statusCode, r.body).toBe(201)
  return r.json() as { id: number }
}

/** Every grid value the screen holds equals the server's own figure for that grid (in scope; empty outside). */
function expectGridsMatch(c: LiveClient, window: Window, scope = '410103') {
  const engine = s.app.metrics
  const grids = engine.layout.tree.grids
  for (let g = 0; g < engine.layout.gridCount; g++) {
    const inScope = grids[g].level === 5 ? grids[g].parent!.startsWith(scope) : grids[g].code.startsWith(scope)
    const counters = inScope ? engine.countersOf(g, window) : { received: 0, open: 0, overdueOpen: 0 }
    expect(c.grids.values.received[g], grids[g].code).toBe(counters.received)
    expect(c.grids.values.open[g]).toBe(counters.open)
    expect(c.grids.values.overdue[g]).toBe(counters.overdueOpen)
    if (!inScope) expect(c.grids.values.closureRate[g]).toBe(-1)
  }
}

describe('live stream', () => {
  test('snapshot → deltas → a forced gap → a resync with correct totals', async () => {
    let drop = 0
    let dropped = 0
    const deltas: number[] = []
    const c = client({
      token: s.keys.viewer,
      onFrame: (kind) => {
        if (kind === 'delta' && drop > 0) {
          drop--
          dropped++
          return false
        }
        if (kind === 'delta') deltas.push(Date.now())
        return true
      },
    })
    c.subscribe('410103', 'today')
    await until('the first snapshot', () => c.snapshots === 1 && c.status === 'live')
    const start = c.panels!.kpis.today.counters.received
    expect(c.grids.values.received.length).toBe(s.app.metrics.layout.gridCount)
    expect(c.grids.changed).toBeNull()

    const first = await report({ reporterName: '张三', reporterPhone: '13812345678', description: '路边有暴露垃圾，联系13812345678' })
    await until('a delta with the new case', () => c.panels?.kpis.today.counters.received === start + 1)
    expect(c.snapshots).toBe(1)
    const micro = s.app.metrics.layout.gridIndex('4101030010010101')
    expect(c.grids.values.received[micro]).toBeGreaterThanOrEqual(1)
    expect(Array.from(c.grids.changed!)).toContain(micro)
    const item = c.ticker.find((t) => t.caseId === first.id)!
    expect(item.kind).toBe('new')
    expect(item.text).toContain('138****5678')
    expect(item.text).not.toContain('13812345678')
    const seqBefore = c.seq

    drop = 1
    await report({}, AT.b1)
    await until('the dropped delta', () => dropped === 1)
    expect(c.seq).toBe(seqBefore)
    await report({}, AT.a2)
    // The next delta's base is the dropped one's seq: a gap, so the screen asks for a fresh snapshot.
    await until('the resync snapshot', () => c.snapshots === 2)
    await until('all three cases', () => c.panels?.kpis.today.counters.received === start + 3)
    expect(c.seq).toBeGreaterThan(seqBefore + 1)
    expectGridsMatch(c, 'today')
    expect(c.status).toBe('live')
    expect(deltas.length).toBeGreaterThanOrEqual(1)
  })

  test('a street token is refused another street, and an unknown token is refused outright', async () => {
    const street = client({ token: s.keys.streetViewer })
    street.subscribe('410103002', 'all')
    await until('the refusal', () => street.error !== null)
    expect(street.error).toMatch(/covers 410103001/)
    expect(street.status).toBe('offline')
    expect(street.snapshots).toBe(0)
    street.subscribe('410103001', 'all')
    await until('its own street', () => street.snapshots === 1)
    expect(street.panels!.kpis.all.counters.received).toBe(s.app.metrics.counter(s.app.metrics.layout.gridIndex('410103001'), 'all', C.received))

    const bad = client({ token: 'os_v_not-a-token' })
    bad.subscribe('410103', 'all')
    await until('connect refused', () => bad.error !== null)
    expect(bad.error).toMatch(/not valid/)
    expect(bad.snapshots).toBe(0)
  })

  test('a raw socket gets a plain error ack for a bad subscription', async () => {
    const sock = io(url + LIVE_NAMESPACE, { transports: ['websocket'], auth: { token: s.keys.viewer }, parser: liveParser })
    try {
      const ack = (req: unknown) => new Promise<SubscribeAck>((r) => sock.emit(EVENTS.subscribe, req, r))
      expect(await ack({ scope: '999', window: 'all' })).toEqual({ ok: false, error: 'scope "999" is not a grid code' })
      expect(await ack({ scope: '410103', window: 'year' })).toMatchObject({ ok: false })
      expect(await ack({ scope: '410103', window: 'all' })).toEqual({ ok: true })
    } finally {
      sock.disconnect()
    }
  })

  test('a reconnect resubscribes and resyncs, with what happened meanwhile', async () => {
    const c = client()
    c.subscribe('410103001', 'all')
    await until('the first snapshot', () => c.snapshots === 1)
    const row = s.app.metrics.layout.gridIndex('410103001')
    c.socket.io.engine.close() // the network drops
    await until('offline', () => c.status === 'offline')
    await report({ matter: MATTERS.manhole })
    await until('reconnected with a fresh snapshot', () => c.snapshots === 2 && c.status === 'live')
    expect(c.panels!.kpis.all.counters.received).toBe(s.app.metrics.counter(row, 'all', C.received))
    expectGridsMatch(c, 'all', '410103001')
  })

  test('a backed-up screen skips deltas, then gets a snapshot once it drains', async () => {
    // A real backlog: the screen sits behind a TCP proxy that stops reading from the server, and the server has
    // one big message for it, so its websocket cannot finish writing and later frames wait in engine.io.
    const proxy = await pausableProxy(Number(new URL(url).port))
    try {
      const c = client({ url: `http://127.0.0.1:${proxy.port}` })
      c.subscribe('410103', '7d')
      await until('the first snapshot', () => c.snapshots === 1)
      const seen = c.seq
      const server = [...s.app.live.nsp.sockets.values()].find((x) => x.id === c.socket.id)!
      proxy.pause()
      server.emit('noop', 'x'.repeat(12 * 1024 * 1024))
      const skipped = s.app.live.stats.skipped
      await report()
      await until('a tick that skips it', () => s.app.live.stats.skipped > skipped + 2, 15_000)
      expect(c.seq).toBe(seen)
      proxy.resume()
      await until('the catch-up snapshot', () => c.snapshots === 2, 15_000)
      // The screen is parked at the first frame its room gets while its websocket is busy, which may be a
      // heartbeat before the report's delta: the report then comes in the snapshot or in a delta after it.
      await until('the report on the screen', () => c.seq > seen)
      expectGridsMatch(c, '7d')
    } finally {
      proxy.close()
    }
  })

  test('a screen behind a proxy that only allows long-polling gets the same frames', async () => {
    const c = client({ socket: { transports: ['polling'] } })
    c.subscribe('410103', 'today')
    await until('the first snapshot', () => c.snapshots === 1)
    const received = c.panels!.kpis.today.counters.received
    await report({}, AT.b1)
    await until('the delta', () => c.panels!.kpis.today.counters.received === received + 1)
    expect(c.snapshots).toBe(1)
    expect(c.socket.io.engine.transport.name).toBe('polling')
  })

  test('every window and metric of a snapshot agrees with the engine', async () => {
    for (const w of ['today', '7d', 'month', 'all'] as const) {
      const c = client()
      c.subscribe('410103', w)
      await until(`snapshot ${w}`, () => c.snapshots === 1)
      expectGridsMatch(c, w)
      expect(GRID_METRICS.every((m) => c.grids.values[m].length === s.app.metrics.layout.gridCount)).toBe(true)
      expect(c.panels!.kpis[w].counters).toEqual(s.app.metrics.countersOf(0, w))
      c.dispose()
    }
  })
})

describe('a server restart', () => {
  test('screens reconnect by themselves to the next server on the same port and resync', async () => {
    const first = await buildTestServer({ tickMs: 30 })
    await first.app.listen({ port: 0, host: '127.0.0.1' })
    const port = (first.app.server.address() as AddressInfo).port
    const c = new LiveClient({ url: `http://127.0.0.1:${port}`, socket: { transports: ['websocket'], reconnectionDelay: 50, reconnectionDelayMax: 200 } })
    clients.push(c)
    c.subscribe('410103', 'all')
    await until('the first snapshot', () => c.snapshots === 1)
    await first.app.close()
    await until('offline', () => c.status === 'offline')
    const second = await buildTestServer({ tickMs: 30 })
    try {
      await second.app.listen({ port, host: '127.0.0.1' })
      await until('a snapshot from the new server', () => c.snapshots === 2 && c.status === 'live', 10_000)
    } finally {
      await second.close()
      first.db.$client.close()
    }
  })
})
