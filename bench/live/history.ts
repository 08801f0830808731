// A database with the district's full history for the live and metrics benchmarks. Uses the project's seed
// (server/db/seed.ts) when it is there; otherwise writes a plain synthetic history of the same size through
// CaseLog (the grids, departments and matters from the fixtures; every case walks the workflow).
import { existsSync, readFileSync } from 'node:fs'
import { openDb, type Db } from '../../server/db'
import { CaseLog, type CaseFacts } from '../../server/cases/log'
import { decide, reduce, type CaseState, type Command } from '../../shared/workflow'
import { SOURCES } from '../../shared/protocol'
import { createRandom } from '../../fixtures/generate/random'

const HOUR = 3_600_000
const DAY = 24 * HOUR

export async function historyDb(file: string, cases: number, log: (s: string) => void = console.log): Promise<Db> {
  const db = openDb(file)
  const have = db.$client.prepare('SELECT COUNT(*) FROM cases').pluck().get() as number
  if (have >= cases * 0.99) return db
  const seedFile = new URL('../../server/db/seed.ts', import.meta.url)
  if (existsSync(seedFile)) {
    const { ensureSeeded } = (await import(seedFile.href)) as {
      ensureSeeded: (db: Db, o: { cases: number; log: (s: string) => void }) => Promise<{ ms: number }>
    }
    const r = await ensureSeeded(db, { cases, log })
    log(`seeded ${cases} cases with server/db/seed.ts in ${(r.ms / 1000).toFixed(1)} s`)
    return db
  }
  synthesize(db, cases, log)
  return db
}

interface TopoGeometry {
  properties: { code: string; name: string; level: number; parent: string | null; kind?: string }
}

function synthesize(db: Db, cases: number, log: (s: string) => void): void {
  const t0 = performance.now()
  const topo = JSON.parse(readFileSync('fixtures/data/grids.topo.json', 'utf8')) as { objects: Record<string, { geometries: TopoGeometry[] }> }
  const catalogue = JSON.parse(readFileSync('fixtures/data/catalogue.json', 'utf8')) as {
    departments: { code: string; name: string }[]
    matters: { code: string; name: string; kind: string; bigClass: string; bigClassName: string; smallClass: string; smallClassName: string; department: string; limitKind: string; limitValue: number; settleLevel: string }[]
  }
  const sql = db.$client
  const grids = Object.values(topo.objects).flatMap((o) => o.geometries.map((g) => g.properties))
  sql.transaction(() => {
    sql.prepare('DELETE FROM grids').run()
    const g = sql.prepare(`INSERT INTO grids (code, name, level, parent, kind, geometry, lon, lat, area) VALUES (?, ?, ?, ?, ?, '{}', 113.6, 34.7, 1)`)
    for (const p of grids) g.run(p.code, p.name, p.level, p.parent, p.kind ?? null)
    const d = sql.prepare('INSERT OR IGNORE INTO departments (code, name) VALUES (?, ?)')
    for (const x of catalogue.departments) d.run(x.code, x.name)
    const m = sql.prepare(`INSERT OR IGNORE INTO matters (code, name, kind, big_class, big_class_name, small_class, small_class_name,
      department, limit_kind, limit_value, settle_level) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
    for (const x of catalogue.matters)
      m.run(x.code, x.name, x.kind, x.bigClass, x.bigClassName, x.smallClass, x.smallClassName, x.department, x.limitKind, x.limitValue, x.settleLevel)
  })()
  const micro = grids.filter((p) => p.level === 4).map((p) => p.code)
  const special = grids.filter((p) => p.level === 5)
  const rnd = createRandom('bench-history')
  const caseLog = new CaseLog(db)
  const end = Date.now() - HOUR
  const start = end - 3 * 365 * DAY
  let events = 0
  const batch = 5000
  for (let done = 0; done < cases; done += batch) {
    sql.transaction(() => {
      for (let k = 0; k < Math.min(batch, cases - done); k++) {
        const at0 = start + ((done + k) / cases) * (end - start)
        const matter = rnd.pick(catalogue.matters)
        const grid = rnd.pick(micro)
        const sp = rnd.chance(0.08) ? rnd.pick(special) : null
        const facts: CaseFacts = {
          externalId: null, source: rnd.weighted(SOURCES, [3, 2, 5, 1, 1]), matter: matter.code, grid, special: sp?.code ?? null,
          lon: 113.6, lat: 34.7, address: null, description: '历史案件', reporterName: null, reporterPhone: null, mediaUrl: null,
        }
        const id = caseLog.newCaseId()
        let s: CaseState | null = null
        let at = at0
        let last = 0
        const step = (cmd: Omit<Command, 'actor' | 'at'>) => {
          if (s !== null) at += rnd.exponential(4 * HOUR)
          if (at > end) return false
          const e = decide(id, s, { ...cmd, actor: 'seed', at })
          s = reduce(s, e)
          last = caseLog.appendEvent(e)
          events++
          return true
        }
        step({ action: 'report' })
        const plan: Omit<Command, 'actor' | 'at'>[] = rnd.chance(0.03)
          ? [{ action: 'void' }]
          : [
              { action: 'verify' },
              { action: 'register', data: { deadline: at0 + 3 * DAY } },
              { action: 'dispatch', data: { department: matter.department } },
              { action: 'handle' },
              { action: 'check' },
              { action: 'close' },
              { action: 'rate', data: { rating: rnd.chance(0.98) ? 'satisfied' : rnd.chance(0.5) ? 'basic' : 'unsatisfied' } },
            ]
        for (const cmd of plan) if (!step(cmd)) break
        caseLog.insertProjection(id, facts, s!, at, last)
      }
    })()
  }
  log(`synthesized ${cases} cases, ${events} events in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
}
