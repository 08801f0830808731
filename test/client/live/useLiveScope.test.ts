// useLiveScope in Node: a Vue effect scope against a real server, through socket.io-client.
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { AddressInfo } from 'node:net'
import { effectScope, ref, watch } from 'vue'
import { useLiveScope } from '../../../client/live/useLiveScope'
import { AT, buildTestServer, post, reportBody, type TestServer } from '../../server/helpers'
import type { Window } from '../../../shared/protocol'
import { until } from '../../until'

let s: TestServer
let url: string
beforeAll(async () => {
  s = await buildTestServer({ tickMs: 30 })
  await s.app.listen({ port: 0, host: '127.0.0.1' })
  url = `http://127.0.0.1:${(s.app.server.address() as AddressInfo).port}`
})
afterAll(() => s.close())


describe('useLiveScope', () => {
  test('refs follow the frames; a new scope resubscribes; disposing the scope closes the connection', async () => {
    const scope = ref('410103')
    const window = ref<Window>('today')
    const fx = effectScope()
    const live = fx.run(() => useLiveScope(scope, window, { url }))!
    const versions: number[] = []
    fx.run(() => watch(live.grids, (g) => versions.push(g.version), { flush: 'sync' }))
    await until('live', () => live.status.value === 'live' && live.panels.value !== null)
    const received = live.panels.value!.kpis.today.counters.received
    expect(live.grids.value.changed).toBeNull()
    expect(live.grids.value.values.received.length).toBe(s.app.metrics.layout.gridCount)

    const r = await post(s.app, '/api/cases', reportBody(AT.b1), s.keys.hotline)
    expect(r.statusCode).toBe(201)
    await until('the delta', () => live.panels.value!.kpis.today.counters.received === received + 1)
    expect(live.ticker.value.at(-1)!.caseId).toBe(r.json().id)
    expect(live.grids.value.changed).not.toBeNull()
    expect(live.seq.value).toBeGreaterThan(0)
    expect(live.lastFrameAt.value).toBeGreaterThan(Date.now() - 5000)
    expect(versions.length).toBeGreaterThanOrEqual(2) // a new object per frame: shallow watchers see every one

    scope.value = '410103002'
    await until('the street snapshot', () => live.status.value === 'live' && live.panels.value?.crossScope === '410103002')
    expect(live.grids.value.values.received[0]).toBe(0) // the district is outside this scope

    const sockets = () => s.app.live.nsp.sockets.size
    expect(sockets()).toBeGreaterThan(0)
    fx.stop()
    await until('the socket closed', () => sockets() === 0)
  })

  test('a refused scope says why and stays offline', async () => {
    const fx = effectScope()
    const live = fx.run(() => useLiveScope(ref('410103002'), ref<Window>('all'), { url, token: s.keys.streetViewer }))!
    await until('the refusal', () => live.error.value !== null)
    expect(live.status.value).toBe('offline')
    expect(live.panels.value).toBeNull()
    live.dispose()
    fx.stop()
  })

  test('a silent server turns the screen stale, and frames bring it back', async () => {
    const fx = effectScope()
    const live = fx.run(() => useLiveScope(ref('410103'), ref<Window>('all'), { url, staleMs: 300 }))!
    await until('live', () => live.status.value === 'live')
    s.app.live.stop()
    try {
      await until('stale', () => live.status.value === 'stale', 4000)
    } finally {
      s.app.live.start()
    }
    await post(s.app, '/api/cases', reportBody(AT.a2), s.keys.hotline)
    await until('live again', () => live.status.value === 'live')
    fx.stop()
  })
})
