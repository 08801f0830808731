// Replays end to end: a real server on a database file (so the replays run in worker threads), screens as
// LiveClients (the wall's own connection code) that leave live mode, play, pause, step, seek, cross
// midnight and come back; the cap; a replay ending with its screen; live screens carrying on meanwhile.
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { AddressInfo } from 'node:net'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AT, post, reportBody, seedSmall } from '../helpers'
import { buildApp } from '../../../server/app'
import { testConfig } from '../../../server/config'
import { openDb, type Db } from '../../../server/db'
import { Keys } from '../../../server/keys'
import type { FastifyInstance } from 'fastify'
import { LiveClient } from '../../../client/live/liveClient'
import { WINDOWS } from '../../../shared/protocol'

const HOUR = 3_600_000
const DAY = 24 * HOUR
const localMidnight = (daysAgo: number) => Math.floor((Date.now() + 8 * HOUR) / DAY) * DAY - 8 * HOUR - daysAgo * DAY
const iso = (t: number) => new Date(t + 8 * HOUR).toISOString().slice(0, 19) + '+08:00'
/** The replay crosses this midnight (two days ago). */
const night = localMidnight(2)
const first = night - 3 * DAY

const dir = mkdtempSync(join(tmpdir(), 'onescreen-replay-'))
let app: FastifyInstance
let db: Db
let url: string
let keys: { hotline: string; viewer: string; street: string }
const clients: LiveClient[] = []

beforeAll(async () => {
  db = openDb(join(dir, 'replay.db'))
  seedSmall(db)
  const k = new Keys(db)
  keys = {
    hotline: k.create({ role: 'write', source: 'hotline', name: '12345' }).secret,
    viewer: k.create({ role: 'viewer', name: 'wall' }).secret,
    street: k.create({ role: 'viewer', name: 'street wall', scope: '410103001' }).secret,
  }
  app = buildApp(testConfig({ dbFile: join(dir, 'replay.db'), tickMs: 30, replayMaxSessions: 2 }), { db })
  await app.ready()
  // A case every 90 minutes from five days ago until now, half of them closed two hours later.
  const items = []
  for (let t = first, i = 0; t < Date.now() - 3 * HOUR; t += 1.5 * HOUR, i++) {
    const then = i % 2 ? [] : ['verify', 'register', 'dispatch', 'handle', 'check', 'close'].map((action, j) => ({ action, at: iso(t + (j + 1) * 20 * 60_000) }))
    items.push({ type: 'report', ...reportBody(i % 3 ? AT.a1 : AT.b1), reportedAt: iso(t), then })
  }
  const r = await post(app, '/api/ingest/batch', { items }, keys.hotline)
  expect(r.statusCode, r.body).toBeLessThan(300)
  await app.listen({ port: 0, host: '127.0.0.1' })
  url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
}, 60_000)

afterAll(async () => {
  for (const c of clients) c.dispose()
  await app.close()
  db.$client.close()
  rmSync(dir, { recursive: true, force: true })
})

async function until(what: string, pred: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

async function screen(token = keys.viewer, scope = '410103') {
  const c = new LiveClient({ url, token, socket: { transports: ['websocket'] } })
  clients.push(c)
  c.subscribe(scope, 'all')
  await until('a live snapshot', () => c.snapshots > 0)
  return c
}

/** The counters a screen shows equal GET /api/snapshot's for the moment it stands at, in every window. */
async function expectShowsMoment(c: LiveClient, at: number, scope = '410103') {
  for (const w of WINDOWS) {
    const r = await app.inject({ method: 'GET', url: `/api/snapshot?scope=${scope}&window=${w}&at=${encodeURIComponent(new Date(at).toISOString())}&token=${keys.viewer}` })
    expect(r.statusCode, r.body).toBe(200)
    expect(c.panels!.kpis[w].counters, `${w} at ${iso(at)}`).toEqual(r.json().scope.counters)
  }
}

describe('replay on a screen', () => {
  test('starts at a moment, plays across midnight at 3,600×, pauses, steps, seeks, and returns to live', async () => {
    const a = await screen()
    const live = await screen()
    const start = night - 2 * HOUR
    const snapshots = a.snapshots
    const started = await a.command({ op: 'start', at: start, speed: 3600, play: false })
    expect(started).toMatchObject({ ok: true, status: { at: start, speed: 3600, playing: false, scope: '410103', window: 'all' } })
    await until('the replay snapshot', () => a.snapshots > snapshots)
    expect(a.frameAt).toBe(start)
    await expectShowsMoment(a, start)

    // Play: the replayed clock runs about an hour per second.
    await a.command({ op: 'play' })
    await until('the replay past midnight', () => (a.frameAt ?? 0) > night + 30 * 60_000, 20_000)
    const paused = await a.command({ op: 'pause' })
    if (!paused.ok) throw new Error(paused.error)
    expect(paused.status!.playing).toBe(false)
    await new Promise((r) => setTimeout(r, 300))
    await expectShowsMoment(a, paused.status!.at)

    const stepped = await a.command({ op: 'step', ms: HOUR })
    expect(stepped.ok && stepped.status!.at).toBe(paused.status!.at + HOUR)
    await until('the step frame', () => a.frameAt === paused.status!.at + HOUR)
    await expectShowsMoment(a, paused.status!.at + HOUR)

    const back = first + 5 * HOUR
    const seeked = await a.command({ op: 'seek', at: back })
    expect(seeked.ok && seeked.status!.at).toBe(back)
    await until('the seek snapshot', () => a.frameAt === back)
    await expectShowsMoment(a, back)

    // Meanwhile live carries on for the other screen, and not into the replay.
    const before = live.panels!.kpis.all.counters.received
    const replayed = a.panels!.kpis.all.counters.received
    expect((await post(app, '/api/cases', reportBody(AT.a2), keys.hotline)).statusCode).toBe(201)
    await until('the live delta', () => live.panels!.kpis.all.counters.received === before + 1)
    await new Promise((r) => setTimeout(r, 200))
    expect(a.panels!.kpis.all.counters.received).toBe(replayed)

    expect(await a.command({ op: 'stop' })).toEqual({ ok: true, status: null })
    await until('live again', () => a.replay === null && a.panels!.kpis.all.counters.received === before + 1)
    expect(app.replay.screens.replays).toBe(0)
  }, 60_000)

  test('refuses a moment outside the log, a scope the token does not cover, and more replays than the cap', async () => {
    const street = await screen(keys.street, '410103001')
    expect(await street.command({ op: 'start', at: first - DAY })).toMatchObject({ ok: false, error: expect.stringMatching(/before the log begins/) })
    expect(await street.command({ op: 'start', at: Date.now() + HOUR })).toMatchObject({ ok: false, error: expect.stringMatching(/future/) })
    expect(await street.command({ op: 'start', at: night, scope: '410103002', window: 'all' })).toMatchObject({ ok: false, error: expect.stringMatching(/does not cover 410103002/) })
    expect(street.replay).toBeNull()

    const x = await screen()
    const y = await screen()
    expect((await x.command({ op: 'start', at: night })).ok).toBe(true)
    expect((await y.command({ op: 'start', at: night })).ok).toBe(true)
    expect(await street.command({ op: 'start', at: night })).toMatchObject({ ok: false, error: expect.stringMatching(/all 2 replay slots .* are in use/) })
    expect(street.replay).toBeNull()

    // A replay ends when its screen leaves: a slot opens again.
    x.dispose()
    await until('the replay to end with its screen', () => app.replay.screens.replays === 1 && app.replay.pool.size === 1)
    expect((await street.command({ op: 'start', at: night })).ok).toBe(true)
    expect(street.replay).toMatchObject({ scope: '410103001' })
    y.dispose()
    street.dispose()
    await until('every replay to end', () => app.replay.pool.size === 0)
  }, 60_000)
})
