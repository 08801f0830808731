// A live process's log follower against a real writer and a real redis-server: it applies the stream's
// entries, catches up over HTTP when the stream was trimmed past its checkpoint or Redis went away, and
// ends up with exactly what a recompute of the database gives.
import { afterAll, beforeAll, expect, test } from 'vitest'
import { calendarClock } from '../../../shared/timelimit'
import { testConfig } from '../../../server/config'
import { Layout } from '../../../server/metrics/layout'
import { MetricsEngine } from '../../../server/metrics/engine'
import { restoreCheckpoint } from '../../../server/metrics/checkpoint'
import { metricsDigest } from '../../../server/metrics/digest'
import { LogFollower } from '../../../server/scale/follower'
import { WriterClient } from '../../../server/scale/writer-client'
import type { Service } from '../../../server/scale/services'
import { AT } from '../helpers'
import { districtFile, recomputedDigest, redisOn, report, SECRET, until, writerApp, type District } from './harness'

let d: District
let redis: Service
let writer: Awaited<ReturnType<typeof writerApp>>
const followers: LogFollower[] = []

beforeAll(async () => {
  d = districtFile()
  // Small stream nodes, so "about 10 entries" trims to about 10 entries.
  redis = await redisOn(d.dir, undefined, ['--stream-node-max-entries', '2'])
  writer = await writerApp(d.file, redis.port, {}, { streamMaxLen: 10 })
}, 60_000)

afterAll(async () => {
  for (const f of followers) await f.stop()
  await writer?.close()
  await redis?.stop()
  d?.cleanup()
})

/** A live process's engine, started from the writer's checkpoint as it stands now. */
async function liveEngine(client: WriterClient) {
  const info = await client.start()
  const engine = new MetricsEngine(new Layout(info.layout), { clock: calendarClock(testConfig().calendar) })
  expect(restoreCheckpoint(engine, (await client.checkpoint()).blob)).toBe(true)
  return engine
}

function follow(engine: MetricsEngine, client: WriterClient, opts: Partial<ConstructorParameters<typeof LogFollower>[0]> = {}) {
  const f = new LogFollower({
    redisUrl: `redis://127.0.0.1:${redis.port}`, stream: 'test:log', writer: client, engine,
    apply: (changes) => engine.apply(changes), pollMs: 200, staleAfterMs: 800, blockMs: 500, ...opts,
  })
  followers.push(f)
  return f
}

const matchesRecompute = (engine: MetricsEngine) => {
  engine.setClock(Date.now())
  const want = recomputedDigest(d.file)
  expect(engine.lastEventId).toBe(want.lastEventId)
  expect(metricsDigest(engine)).toBe(want.digest)
}

test('the writer refuses its live API without the cluster secret', async () => {
  expect((await fetch(`${writer.url}/api/scale/head`)).status).toBe(401)
  const wrong = new WriterClient(writer.url, 'not-the-secret-at-all')
  await expect(wrong.head()).rejects.toThrow(/x-cluster-secret is missing or wrong/)
})

test('a checkpoint older than the trimmed stream: the follower catches up over HTTP, then follows the stream', async () => {
  const client = new WriterClient(writer.url, SECRET)
  const engine = await liveEngine(client)
  const from = engine.lastEventId
  // 40 commits while nobody follows: the stream keeps about the last 10.
  for (let i = 0; i < 40; i++) await report(writer.url, d.keys.hotline, i % 2 ? AT.a1 : AT.b1)
  await until('the appends', () => writer.app.logPublisher!.stats.entries >= 40)

  // No head polls here: only the stream's first entry (whose prev is past the checkpoint) can set off the catch-up.
  const f = follow(engine, client, { pollMs: 60_000 })
  f.start()
  await until('the follower to reach the writer', async () => engine.lastEventId === (await client.head()), 10_000)
  expect(engine.lastEventId).toBeGreaterThan(from)
  expect(f.stats.gaps).toBeGreaterThanOrEqual(1)
  expect(f.stats.caughtUp).toBeGreaterThan(0)
  matchesRecompute(engine)

  // From here on the stream carries each commit.
  const streamedBefore = f.stats.streamed
  await report(writer.url, d.keys.hotline)
  await until('the next commit through the stream', async () => engine.lastEventId === (await client.head()), 5000)
  expect(f.stats.streamed).toBeGreaterThan(streamedBefore)
  matchesRecompute(engine)
  await f.stop()
}, 30_000)

test('Redis goes away while reports flow and comes back empty: nothing is missed', async () => {
  const client = new WriterClient(writer.url, SECRET)
  const engine = await liveEngine(client)
  const f = follow(engine, client)
  f.start()
  await until('the stream is read', () => f.stats.redis)
  const port = redis.port
  await redis.stop()
  const failedBefore = writer.app.logPublisher!.stats.failed
  for (let i = 0; i < 10; i++) await report(writer.url, d.keys.hotline, AT.a2)
  expect(writer.app.logPublisher!.stats.failed).toBeGreaterThan(failedBefore) // those appends never reached Redis
  // Without Redis the follower still learns of the commits from the writer's head, and fetches them.
  await until('the follower to catch up without Redis', async () => engine.lastEventId === (await client.head()), 5000)
  expect(f.stats.redis).toBe(false)

  redis = await redisOn(d.dir, port, ['--stream-node-max-entries', '2'])
  await until('the stream is read again', () => f.stats.redis, 10_000)
  for (let i = 0; i < 5; i++) await report(writer.url, d.keys.hotline, AT.b1)
  await until('the follower to reach the writer', async () => engine.lastEventId === (await client.head()), 5000)
  matchesRecompute(engine)
  await f.stop()
}, 40_000)

test('the writer away: the follower keeps its state and says it is stale; back, it catches up', async () => {
  const client = new WriterClient(writer.url, SECRET)
  const engine = await liveEngine(client)
  const seen: boolean[] = []
  const f = follow(engine, client, { onStale: (s) => seen.push(s) })
  f.start()
  await report(writer.url, d.keys.hotline)
  await until('current', async () => engine.lastEventId === (await client.head()))
  expect(f.stats.stale).toBe(false)

  const port = Number(new URL(writer.url).port)
  const held = engine.lastEventId
  await writer.close()
  await until('stale', () => f.stats.stale, 3000)
  expect(f.stats.writer).toBe(false)
  expect(engine.lastEventId).toBe(held)

  // Back at the same address (the live process knows only that one), with a commit the follower did not see.
  writer = await writerApp(d.file, redis.port, {}, { streamMaxLen: 10 }, port)
  await report(writer.url, d.keys.hotline)
  await until('current again', () => !f.stats.stale && f.stats.writer, 5000)
  await until('caught up', async () => engine.lastEventId === (await client.head()), 5000)
  expect(seen).toEqual([true, false])
  matchesRecompute(engine)
  await f.stop()
}, 40_000)

test('what goes into the stream carries no personal data: the description masked, no reporter name or phone', async () => {
  const r = await fetch(`${writer.url}/api/cases`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': d.keys.hotline, 'idempotency-key': `pii-${process.pid}` },
    body: JSON.stringify({
      matter: '02001', lon: AT.a1[0], lat: AT.a1[1], reporterName: '王小明', reporterPhone: '13912345678',
      description: '王小明反映楼下垃圾堆积，电话13912345678',
    }),
  })
  expect(r.status).toBe(201)
  const { createClient } = await import('@redis/client')
  const c = createClient({ url: `redis://127.0.0.1:${redis.port}` })
  await c.connect()
  await until('the append', async () => (await c.xLen('test:log')) > 0)
  const [last] = await c.xRevRange('test:log', '+', '-', { COUNT: 1 })
  await c.close()
  const raw = JSON.stringify(last.message)
  expect(raw).not.toContain('王小明')
  expect(raw).not.toContain('13912345678')
  expect(raw).toContain('垃圾堆积')
})
