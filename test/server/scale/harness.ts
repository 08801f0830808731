// Scale-out test harness: a real redis-server (the system's package) on a free port, the small test district
// in a database file, a writer app in this process or writer and live processes of their own.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { AddressInfo } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { openDb, type Db } from '../../../server/db'
import { Keys } from '../../../server/keys'
import { buildApp } from '../../../server/app'
import { testConfig, type Config, type ScaleConfig } from '../../../server/config'
import { Layout } from '../../../server/metrics/layout'
import { MetricsEngine } from '../../../server/metrics/engine'
import { rebuild } from '../../../server/metrics/rebuild'
import { metricsDigest } from '../../../server/metrics/digest'
import { calendarClock } from '../../../shared/timelimit'
import { freePort, startRedis, type Service } from '../../../server/scale/services'
import { AT, MATTERS, seedSmall } from '../helpers'

export const SECRET = 'scale-test-cluster-secret'

export interface District {
  dir: string
  file: string
  keys: { hotline: string; viewer: string; operator: string; control: string }
  cleanup(): void
}

/** The small test district in a database file of its own, with a write key, a viewer token, an operator key and a tablet's control key. */
export function districtFile(): District {
  const dir = mkdtempSync(join(tmpdir(), 'onescreen-scale-'))
  const file = join(dir, 'writer.db')
  const db = openDb(file)
  seedSmall(db)
  const k = new Keys(db)
  const keys = {
    hotline: k.create({ role: 'write', source: 'hotline', name: '12345' }).secret,
    viewer: k.create({ role: 'viewer', name: 'wall' }).secret,
    operator: k.create({ role: 'operator', name: 'seat' }).secret,
    control: k.create({ role: 'control', name: 'tablet' }).secret,
  }
  db.$client.close()
  return { dir, file, keys, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

export async function redisOn(dir: string, port?: number, args: string[] = []): Promise<Service> {
  return startRedis(port ?? (await freePort()), { dir, args })
}

export function scaleConfig(role: ScaleConfig['role'], redisPort: number, extra: Partial<ScaleConfig> = {}): ScaleConfig {
  return { role, redisUrl: `redis://127.0.0.1:${redisPort}`, writerUrl: null, secret: SECRET, stream: 'test:log', streamMaxLen: 100_000, ...extra }
}

/** A writer app in this process on its own database file, listening on a free port. */
export async function writerApp(file: string, redisPort: number, overrides: Partial<Config> = {}, scale: Partial<ScaleConfig> = {}, port = 0) {
  const db = openDb(file)
  const app = buildApp(testConfig({ tickMs: 30, demo: false, ...overrides, scale: scaleConfig('writer', redisPort, scale) }), { db })
  await app.listen({ port, host: '127.0.0.1' })
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
  return { app, db, url, close: async () => (await app.close(), db.$client.close()) }
}

let seq = 0
/** Report a case through a writer's REST API (a street-A micro grid unless told otherwise). */
export async function report(base: string, key: string, at: readonly [number, number] = AT.a1): Promise<number> {
  const r = await fetch(`${base}/api/cases`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': key, 'idempotency-key': `scale-${process.pid}-${++seq}` },
    body: JSON.stringify({ matter: MATTERS.litter, lon: at[0], lat: at[1], description: '路边有暴露垃圾' }),
  })
  if (r.status !== 201) throw new Error(`report refused: ${r.status} ${await r.text()}`)
  return ((await r.json()) as { id: number }).id
}

/** What a recompute of the whole log gives (metrics/digest of a rebuilt engine). */
export function recomputedDigest(file: string): { digest: string; lastEventId: number } {
  const db: Db = openDb(file)
  try {
    const engine = new MetricsEngine(Layout.fromDb(db), { clock: calendarClock(testConfig().calendar) })
    rebuild(db, engine)
    engine.setClock(Date.now())
    return { digest: metricsDigest(engine), lastEventId: engine.lastEventId }
  } finally {
    db.$client.close()
  }
}

export { until } from '../../until'

export type { FastifyInstance }
