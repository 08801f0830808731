// A server on a private in-memory database with a small district: two streets, three micro grids, one
// special grid, two departments and three matters, plus one key of each kind. Tests talk to it via inject.
import type { FastifyInstance, InjectOptions } from 'fastify'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll } from 'vitest'
import { buildApp } from '../../server/app'
import { testConfig, type Config } from '../../server/config'
import { openDb, type Db } from '../../server/db'
import { Keys } from '../../server/keys'

type Ring = [number, number][]
const box = (x0: number, y0: number, x1: number, y1: number): string =>
  JSON.stringify({ type: 'Polygon', coordinates: [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]] satisfies Ring] })

/** [code, name, level, parent, kind, [minLon, minLat, maxLon, maxLat]] */
export const GRIDS: [string, string, number, string | null, string | null, [number, number, number, number]][] = [
  ['410103', '二七区', 0, null, null, [113.5, 34.6, 113.68, 34.77]],
  ['410103001', '淮河路街道', 1, '410103', null, [113.5, 34.6, 113.59, 34.77]],
  ['410103002', '德化街街道', 1, '410103', null, [113.59, 34.6, 113.68, 34.77]],
  ['410103001001', '社区A', 2, '410103001', null, [113.5, 34.6, 113.59, 34.77]],
  ['410103002001', '社区B', 2, '410103002', null, [113.59, 34.6, 113.68, 34.77]],
  ['41010300100101', '三级A', 3, '410103001001', null, [113.5, 34.6, 113.59, 34.77]],
  ['41010300200101', '三级B', 3, '410103002001', null, [113.59, 34.6, 113.68, 34.77]],
  ['4101030010010101', '微网格A1', 4, '41010300100101', null, [113.5, 34.6, 113.545, 34.77]],
  ['4101030010010102', '微网格A2', 4, '41010300100101', null, [113.545, 34.6, 113.59, 34.77]],
  ['4101030020010101', '微网格B1', 4, '41010300200101', null, [113.59, 34.6, 113.68, 34.77]],
  ['410103910001', '某企业', 5, '41010300100101', 'enterprise', [113.51, 34.65, 113.52, 34.66]],
]

/** Points (WGS-84 lon, lat) in known places. */
export const AT = {
  a1: [113.52, 34.7] as const,
  special: [113.515, 34.655] as const,
  a2: [113.56, 34.7] as const,
  b1: [113.62, 34.7] as const,
  outside: [113.9, 34.9] as const,
}

export const MATTERS = {
  /** 3 working days, department D02 */
  manhole: '01001',
  /** 1 natural day, department D01 */
  litter: '02001',
  /** 2 urgent hours, department D01 */
  leak: '02002',
}

export function seedSmall(db: Db): void {
  const sql = db.$client
  const g = sql.prepare('INSERT INTO grids (code, name, level, parent, kind, geometry, lon, lat, area) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
  for (const [code, name, level, parent, kind, [x0, y0, x1, y1]] of GRIDS)
    g.run(code, name, level, parent, kind, box(x0, y0, x1, y1), (x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0) * (y1 - y0) * 1e10)
  sql.prepare("INSERT INTO departments (code, name) VALUES ('D01', '城市管理局'), ('D02', '市政工程中心')").run()
  const m = sql.prepare(
    `INSERT INTO matters (code, name, kind, big_class, big_class_name, small_class, small_class_name, department,
      limit_kind, limit_value, settle_level) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'grid')`,
  )
  m.run(MATTERS.manhole, '井盖破损', '部件', '01', '公用设施', '001', '井盖', 'D02', 'working_days', 3)
  m.run(MATTERS.litter, '暴露垃圾', '事件', '02', '市容环境', '001', '暴露垃圾', 'D01', 'natural_days', 1)
  m.run(MATTERS.leak, '供水管道泄漏', '事件', '02', '市容环境', '002', '管道泄漏', 'D01', 'urgent_hours', 2)
}

export interface TestServer {
  app: FastifyInstance
  db: Db
  /** Secrets of keys made for the test. */
  keys: {
    hotline: string
    patrol: string
    importer: string
    operator: string
    viewer: string
    /** A viewer of street 410103001 only. */
    streetViewer: string
    /** A patrol key that may only write in street 410103002. */
    streetWriter: string
  }
  close(): Promise<void>
}

export async function buildTestServer(overrides: Partial<Config> = {}): Promise<TestServer> {
  const db = openDb(':memory:')
  seedSmall(db)
  const k = new Keys(db)
  const keys = {
    hotline: k.create({ role: 'write', source: 'hotline', name: '12345' }).secret,
    patrol: k.create({ role: 'write', source: 'patrol', name: 'patrol app' }).secret,
    importer: k.create({ role: 'write', source: 'import', name: 'importer' }).secret,
    operator: k.create({ role: 'operator', name: 'seat 1' }).secret,
    viewer: k.create({ role: 'viewer', name: 'wall' }).secret,
    streetViewer: k.create({ role: 'viewer', name: 'street wall', scope: '410103001' }).secret,
    streetWriter: k.create({ role: 'write', source: 'patrol', name: 'street B patrol', scope: '410103002' }).secret,
  }
  const app = buildApp(testConfig(overrides), { db })
  await app.ready()
  return {
    app,
    db,
    keys,
    async close() {
      await app.close()
      db.$client.close()
    },
  }
}

/** A test server for the enclosing suite: built before its tests (handed to `use`), closed after them.
 *  `listen` also puts it on a random local port, for sockets and real HTTP clients, and hands over its URL;
 *  `beforeClose` runs first at the end (screens to dispose before the server goes). */
export function suiteServer(
  use: (s: TestServer, url: string) => void,
  overrides: Partial<Config> = {},
  opts: { listen?: boolean; beforeClose?: () => void } = {},
): void {
  let s: TestServer | undefined
  beforeAll(async () => {
    s = await buildTestServer(overrides)
    let url = ''
    if (opts.listen) {
      await s.app.listen({ port: 0, host: '127.0.0.1' })
      url = `http://127.0.0.1:${(s.app.server.address() as AddressInfo).port}`
    }
    use(s, url)
  })
  afterAll(async () => {
    opts.beforeClose?.()
    await s?.close()
  })
}

/** Rows that a write could leave behind. */
export function counts(db: Db) {
  const one = (sql: string) => db.$client.prepare(sql).pluck().get() as number
  return {
    cases: one('SELECT COUNT(*) FROM cases'),
    events: one('SELECT COUNT(*) FROM case_events'),
    idempotency: one('SELECT COUNT(*) FROM idempotency'),
  }
}

let keySeq = 0
/** A fresh idempotency key. */
export const idem = () => `test-${process.pid}-${++keySeq}`

/** A valid report body at a point. */
export function reportBody(at: readonly [number, number] = AT.a1, extra: Record<string, unknown> = {}) {
  return { matter: MATTERS.litter, lon: at[0], lat: at[1], description: '路边有暴露垃圾', ...extra }
}

/** POST JSON with a key and a fresh idempotency key (override either through headers). */
export function post(app: FastifyInstance, url: string, body: unknown, key: string | null, headers: Record<string, string> = {}) {
  const h: Record<string, string> = { 'content-type': 'application/json', 'idempotency-key': idem(), ...headers }
  if (key !== null) h['x-api-key'] = key
  const opts: InjectOptions = { method: 'POST', url, headers: h, payload: typeof body === 'string' ? body : JSON.stringify(body) }
  return app.inject(opts)
}
