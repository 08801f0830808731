// Start the demo simulator against a listening app: its own write key (revoked when it stops), the world it
// plays in read from the reference tables and the history (busy grids and common matters weigh more), and
// an HTTP client of the same REST API every other client uses.
import type { FastifyInstance } from 'fastify'
import type { AddressInfo } from 'node:net'
import { calendarClock, deadline } from '../../shared/timelimit'
import { OPEN_STATES_SQL } from '../cases/states'
import { C } from '../../shared/counters'
import { ancestorCode } from '../../shared/grid'
import type { Level } from '../../shared/workflow'
import { Simulator, type DemoApi, type DemoPlace, type DemoWorld, type OpenCase } from './simulator'
import type { DemoMatter } from './script'

const DEMO_KEY = 'demo simulator'
/** Open cases reported this recently are carried on with. */
const RECENT_MS = 3 * 24 * 3_600_000

export interface Demo {
  simulator: Simulator
  stop(): Promise<void>
}

/** The world the simulator plays in. Reads only: every write goes through the HTTP API. */
export function demoWorld(app: FastifyInstance, now = Date.now()): DemoWorld {
  const sql = app.db.$client
  const counts = new Map(
    (sql.prepare('SELECT matter, COUNT(*) AS n FROM cases GROUP BY matter').all() as { matter: string; n: number }[]).map((r) => [r.matter, r.n]),
  )
  const matters: DemoMatter[] = []
  for (const m of app.catalogue.matters.values()) {
    let limitMs: number
    try {
      limitMs = deadline(now, m.limitKind, m.limitValue, app.config.calendar) - now
    } catch {
      continue
    }
    matters.push({
      code: m.code, name: m.smallClassName || m.name, bigClassName: m.bigClassName, department: m.department, limitMs,
      settleLevel: m.settleLevel as Level,
    })
  }
  const matterWeights = matters.map((m) => (counts.get(m.code) ?? 0) + 1)
  const grids = sql.prepare('SELECT code, name, level, parent, lon, lat FROM grids WHERE level IN (2, 4)').all() as {
    code: string; name: string; level: number; parent: string; lon: number; lat: number
  }[]
  const community = new Map(grids.filter((g) => g.level === 2).map((g) => [g.code, g.name]))
  const places: DemoPlace[] = []
  const placeWeights: number[] = []
  const engine = app.metrics
  for (const g of grids) {
    if (g.level !== 4) continue
    // The label point is inside the grid; the ingest locates it like any other report.
    places.push({ grid: g.code, name: community.get(ancestorCode(g.code, 2)) ?? g.name, lon: g.lon, lat: g.lat })
    const row = engine.layout.gridIndex(g.code)
    placeWeights.push((row < 0 ? 0 : engine.counter(row, 'all', C.received)) + 1)
  }
  // Work in progress: the recent open cases and the simulator's own from earlier runs. The history's old
  // backlog (parked and long-overdue cases) stays as it is: closing it would rewrite the district's record.
  const open = sql
    .prepare(
      `SELECT c.id, c.matter, c.state FROM cases c
       WHERE c.state IN ${OPEN_STATES_SQL}
         AND (c.reported_at > ? OR EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = c.id AND e.action = 'report' AND e.actor = 'demo'))
       ORDER BY c.id`,
    )
    .all(now - RECENT_MS) as OpenCase[]
  return { open, matters, matterWeights, places, placeWeights, departments: [...app.catalogue.departments.keys()] }
}

export function httpApi(base: string, key: string, tag: string): DemoApi {
  let n = 0
  const post = async (path: string, body: unknown) => {
    const res = await fetch(base + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key, 'idempotency-key': `demo-${tag}-${++n}` },
      body: JSON.stringify(body),
    })
    const json = (await res.json()) as Record<string, unknown>
    return res.ok ? json : null
  }
  return {
    report: async (body) => {
      const r = await post('/api/cases', body)
      return r ? { id: r.id as number } : null
    },
    act: async (id, body) => {
      const r = await post(`/api/cases/${id}/actions`, body)
      return r ? { deadline: (r.deadline as string | null) ?? null } : null
    },
  }
}

export async function startDemo(app: FastifyInstance): Promise<Demo | null> {
  const world = demoWorld(app)
  if (world.matters.length === 0 || world.places.length === 0) {
    app.log.warn('demo simulator: no matters or grids to play with')
    return null
  }
  const address = app.server.address() as AddressInfo
  const host = address.family === 'IPv6' ? `[${address.address === '::' ? '::1' : address.address}]` : address.address === '0.0.0.0' ? '127.0.0.1' : address.address
  // A key of its own; one left behind by a run that was killed is revoked first.
  for (const k of app.keys.list()) if (k.name === DEMO_KEY && k.revokedAt === null) app.keys.revoke(k.id)
  const key = app.keys.create({ role: 'write', name: DEMO_KEY, source: 'import' })
  const simulator = new Simulator(httpApi(`http://${host}:${address.port}`, key.secret, `${Date.now().toString(36)}`), world, {
    speed: app.config.demoSpeed,
    seed: app.config.demoSeed,
    clock: calendarClock(app.config.calendar),
  })
  simulator.start()
  app.log.info(`demo simulator: ${app.config.demoSpeed}× real time, seed ${app.config.demoSeed}`)
  return {
    simulator,
    async stop() {
      await simulator.stop()
      if (app.db.$client.open) app.keys.revoke(key.id)
    },
  }
}
