// Seeds an empty database: the grid geography, departments, matters, staff, and three years of case
// history written as events through the CaseLog (the same writer the ingest uses), all in one transaction.
// `ensureSeeded` is a no-op when grids exist. CLI: `npm run db:seed [-- --cases N --seed S --db file --force]`.
import { readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Topology } from 'topojson-specification'
import { openDb, type Db } from './index'
import { CaseLog } from '../cases/log'
import { loadGridFeatures, storeGrids } from '../grid/store'
import {
  DEFAULT_HISTORY_CASES, DEFAULT_HISTORY_SEED, generateHistory, type HistoryInput, type HistorySummary,
} from '../../fixtures/generate/history'
import { DATA_DIR, type Catalogue, type StaffMember } from '../../fixtures/generate/catalogue'
import type { Calendar } from '../../shared/timelimit'

export interface SeedOptions {
  /** History cases to write (default 289,000). */
  cases?: number
  seed?: number
  /** The end of the history (ms); default now. */
  now?: number
  log?: (s: string) => void
  /** Fixture directory (grids.topo.json, catalogue.json, staff.json). */
  dataDir?: string
  /** Replace an existing seed (grids, catalogue, staff, history) in the same single transaction. */
  force?: boolean
  /** The working calendar of the history's deadlines (the server passes its configured one). */
  calendar?: Calendar
}

export interface SeedResult {
  seeded: boolean
  ms: number
  cases?: number
  events?: number
  summary?: HistorySummary
}

/** Tables the seed fills, children first (for clearing). */
const SEEDED_TABLES = ['metric_checkpoints', 'case_events', 'cases', 'staff', 'matters', 'departments', 'grids']

export function isSeeded(db: Db): boolean {
  return db.$client.prepare('SELECT 1 FROM grids LIMIT 1').get() !== undefined
}

/** Remove everything the seed writes (for --force). Keys and idempotency records are left alone. */
export function clearSeeded(db: Db): void {
  db.$client.transaction(() => {
    for (const t of SEEDED_TABLES) db.$client.prepare(`DELETE FROM ${t}`).run()
  })()
}

/** Seed the database if its grids table is empty (or always, with `force`). */
export async function ensureSeeded(db: Db, opts: SeedOptions = {}): Promise<SeedResult> {
  if (!opts.force && isSeeded(db)) return { seeded: false, ms: 0 }
  const t0 = performance.now()
  const log = opts.log ?? (() => {})
  const dir = opts.dataDir ?? DATA_DIR
  const read = (f: string) => JSON.parse(readFileSync(join(dir, f), 'utf8'))
  const topology = read('grids.topo.json') as Topology
  const catalogue = read('catalogue.json') as Catalogue
  const staff = (read('staff.json') as { staff: StaffMember[] }).staff
  const sql = db.$client

  const pragmas = { synchronous: sql.pragma('synchronous', { simple: true }), cache_size: sql.pragma('cache_size', { simple: true }) }
  sql.pragma('synchronous = OFF')
  sql.pragma('cache_size = -65536')
  try {
    // One transaction: a seed that fails or is killed half-way leaves the database as it was (empty).
    let history: HistorySummary | undefined
    let grids = 0
    sql.transaction(() => {
      clearSeeded(db)
      writeReference(db, catalogue, staff)
      history = withoutIndexes(db, ['cases', 'case_events'], () =>
        writeHistory(db, { matters: catalogue.matters, departments: catalogue.departments, staff, topology }, opts, log))
      grids = storeGrids(db, loadGridFeatures(topology))
    })()
    // Fold the (large) write-ahead log into the file now rather than leave it on disk.
    sql.pragma('wal_checkpoint(TRUNCATE)')
    log(`seed: ${grids} grids, ${catalogue.departments.length} departments, ${catalogue.matters.length} matters, ${staff.length} staff; ` +
      `${((performance.now() - t0) / 1000).toFixed(1)} s in all`)
    return { seeded: true, ms: Math.round(performance.now() - t0), cases: history!.cases, events: history!.events, summary: history }
  } finally {
    sql.pragma(`synchronous = ${pragmas.synchronous}`)
    sql.pragma(`cache_size = ${pragmas.cache_size}`)
  }
}

/**
 * Run a bulk load with the tables' secondary indexes dropped, then build them again: one sorted build
 * is several times faster than millions of scattered index updates. Call inside a transaction, so the
 * indexes can never be left missing.
 */
function withoutIndexes<T>(db: Db, tables: string[], load: () => T): T {
  const sql = db.$client
  if (!sql.inTransaction) throw new Error('withoutIndexes must run inside a transaction')
  const indexes = sql
    .prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (${tables.map(() => '?').join(',')})`)
    .all(...tables) as { name: string; sql: string }[]
  for (const i of indexes) sql.exec(`DROP INDEX "${i.name}"`)
  const result = load()
  for (const i of indexes) sql.exec(i.sql)
  return result
}

function writeReference(db: Db, catalogue: Catalogue, staff: StaffMember[]) {
  const sql = db.$client
  const dept = sql.prepare('INSERT INTO departments (code, name) VALUES (?, ?)')
  const matter = sql.prepare(
    `INSERT INTO matters (code, name, kind, big_class, big_class_name, small_class, small_class_name, department,
      limit_kind, limit_value, settle_level, keywords, attributes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
  const person = sql.prepare('INSERT INTO staff (id, name, phone, role, grid) VALUES (?, ?, ?, ?, ?)')
  sql.transaction(() => {
    for (const d of catalogue.departments) dept.run(d.code, d.name)
    for (const m of catalogue.matters)
      matter.run(m.code, m.name, m.kind, m.bigClass, m.bigClassName, m.smallClass, m.smallClassName, m.department,
        m.limitKind, m.limitValue, m.settleLevel, m.keywords.join(','), m.attributes ? JSON.stringify(m.attributes) : null)
    for (const s of staff) person.run(s.id, s.name, s.phone, s.role, s.grid)
  })()
}

function writeHistory(db: Db, input: HistoryInput, opts: SeedOptions, log: (s: string) => void): HistorySummary {
  const caseLog = new CaseLog(db)
  const t0 = performance.now()
  let lastId = 0
  const summary = generateHistory(
    input,
    { cases: opts.cases ?? DEFAULT_HISTORY_CASES, seed: opts.seed ?? DEFAULT_HISTORY_SEED, anchor: opts.now, calendar: opts.calendar, firstId: 1 },
    {
      event: (e) => {
        lastId = caseLog.appendEvent(e)
      },
      // Called right after the case's last event, so lastId is that event's id.
      case: (c) => caseLog.insertProjection(c.id, c.facts, c.state, c.updatedAt, lastId),
    },
  )
  const s = (performance.now() - t0) / 1000
  log(`seed: ${summary.cases} cases, ${summary.events} events in ${s.toFixed(1)} s (${Math.round(summary.events / s)} events/s)`)
  return summary
}

// ---- CLI ------------------------------------------------------------------------------------------

async function cli(argv: string[]) {
  const arg = (name: string) => {
    const i = argv.indexOf(`--${name}`)
    return i >= 0 ? argv[i + 1] : undefined
  }
  const num = (name: string) => {
    const v = arg(name)
    if (v === undefined) return undefined
    const n = Number(v)
    if (!Number.isFinite(n)) throw new Error(`--${name} needs a number, got "${v}"`)
    return n
  }
  const file = arg('db') ?? process.env.ONESCREEN_DB ?? 'data/onescreen.db'
  const db = openDb(file)
  const force = argv.includes('--force')
  if (!force && isSeeded(db)) {
    console.log(`${file} is already seeded (use --force to replace its grids, catalogue and history)`)
    return
  }
  const cases = num('cases') ?? (process.env.ONESCREEN_SEED_CASES ? Number(process.env.ONESCREEN_SEED_CASES) : undefined)
  const r = await ensureSeeded(db, { cases, seed: num('seed'), force, log: (s) => console.log(s) })
  db.$client.close()
  const size = file === ':memory:' ? 0 : statSync(file).size
  const pct = (v: number | null | undefined) => (v == null ? '—' : `${(100 * v).toFixed(2)} %`)
  console.log(`seeded ${file}: ${r.cases} cases, ${r.events} events in ${(r.ms / 1000).toFixed(1)} s; ${(size / 1048576).toFixed(0)} MB`)
  console.log(`closure rate ${pct(r.summary?.rates.closureRate)}, satisfaction ${pct(r.summary?.rates.satisfactionRate)}`)
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  cli(process.argv.slice(2)).catch((e) => {
    console.error(e instanceof Error ? e.message : e)
    process.exit(1)
  })
}
