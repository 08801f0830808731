import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { isDeepStrictEqual } from 'node:util'
import { openDb, type Db } from '../../../server/db'
import { ensureSeeded, isSeeded, type SeedResult } from '../../../fixtures/seed'
import { SELECT_CASE, stateOfRow, type CaseRow } from '../../../server/cases/log'
import { DATA_DIR } from '../../../fixtures/generate/catalogue'
import { reduce, type CaseEvent, type CaseState } from '../../../shared/workflow'
import { contribute, COUNTER_COUNT, named } from '../../../shared/counters'
import { indicators } from '../../../shared/indicators'

const NOW = Date.UTC(2026, 10, 26, 6, 0, 0)
const CASES = 3000

let db: Db
let result: SeedResult
let indexesBefore: string[]

const indexNames = (d: Db) =>
  (d.$client.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name").pluck().all() as string[])

beforeAll(async () => {
  db = openDb(':memory:')
  indexesBefore = indexNames(db)
  result = await ensureSeeded(db, { cases: CASES, seed: 5, now: NOW })
}, 120_000)

afterAll(() => db.$client.close())

const count = (table: string) => db.$client.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number

describe('ensureSeeded', () => {
  it('fills an empty database: grids, departments, matters, staff and the history', () => {
    expect(result.seeded).toBe(true)
    expect(result.cases).toBe(CASES)
    expect(count('grids')).toBe(1 + 17 + 175 + 1439 + 6281 + 577)
    expect(count('departments')).toBe(21)
    expect(count('matters')).toBe(1456)
    expect(count('staff')).toBeGreaterThanOrEqual(1500)
    expect(count('cases')).toBe(CASES)
    expect(count('case_events')).toBe(result.events)
    expect(result.events).toBeGreaterThan(CASES * 5)
  })

  it('keeps every index of the schema (they are dropped and rebuilt around the bulk load)', () => {
    expect(indexNames(db)).toEqual(indexesBefore)
  })

  it('is a no-op once grids exist', async () => {
    const again = await ensureSeeded(db, { cases: 10, now: NOW })
    expect(again.seeded).toBe(false)
    expect(count('cases')).toBe(CASES)
  })

  it('writes a log whose replay through reduce equals the cases projection (rebuild equals live)', () => {
    const events = db.$client
      .prepare('SELECT id, case_id AS caseId, action, from_state AS "from", to_state AS "to", level, actor, at, reason, data FROM case_events ORDER BY id')
      .all() as (Omit<CaseEvent, 'data'> & { id: number; data: string | null; reason: string | null })[]
    const replay = new Map<number, { state: CaseState; last: number; at: number }>()
    for (const r of events) {
      const e: CaseEvent = { caseId: r.caseId, action: r.action, actor: r.actor, at: r.at, from: r.from, to: r.to, level: r.level }
      if (r.reason !== null) e.reason = r.reason
      if (r.data !== null) e.data = JSON.parse(r.data)
      const prev = replay.get(r.caseId)
      replay.set(r.caseId, { state: reduce(prev?.state ?? null, e), last: r.id, at: r.at })
    }
    const rows = db.$client.prepare(`${SELECT_CASE} ORDER BY id`).all() as CaseRow[]
    expect(rows).toHaveLength(replay.size)
    const bad = rows.filter((row) => {
      const r = replay.get(row.id)
      return !r || !isDeepStrictEqual(stateOfRow(row), r.state) || row.lastEventId !== r.last || row.updatedAt !== r.at
    })
    expect(bad.map((r) => r.id).slice(0, 5)).toEqual([])
    // The rates the wall will compute from this database are the published ones.
    const v = new Int32Array(COUNTER_COUNT)
    for (const row of rows) contribute(stateOfRow(row), v)
    const rates = indicators(named(v))
    expect(rates.closureRate).toBeCloseTo(result.summary!.rates.closureRate!, 10)
    expect(Math.abs(rates.closureRate! - 0.9664)).toBeLessThan(0.01)
  })

  it('stores the facts of each case: grid, point, source, reporter, 12345 order numbers', () => {
    const rows = db.$client.prepare(`${SELECT_CASE} WHERE source = 'hotline' LIMIT 50`).all() as CaseRow[]
    expect(rows.length).toBeGreaterThan(10)
    for (const r of rows) {
      expect(r.externalId).toMatch(/^EQH/)
      expect(r.reporterPhone).toMatch(/^1\d{10}$/)
      expect(r.grid).toHaveLength(16)
      expect(r.lon).toBeGreaterThan(113.4)
      expect(r.lat).toBeGreaterThan(34.5)
    }
    const unknownGrid = db.$client.prepare('SELECT COUNT(*) FROM cases WHERE grid NOT IN (SELECT code FROM grids WHERE level = 4)').pluck().get()
    expect(unknownGrid).toBe(0)
    const unknownMatter = db.$client.prepare('SELECT COUNT(*) FROM cases WHERE matter NOT IN (SELECT code FROM matters)').pluck().get()
    expect(unknownMatter).toBe(0)
    const m = db.$client.prepare("SELECT keywords, attributes FROM matters WHERE name = '污水井盖破损'").get() as { keywords: string; attributes: string }
    expect(m.keywords.split(',')).toContain('窨井盖')
    expect(JSON.parse(m.attributes)[0].code).toBe('cover_type')
  })

  it('replaces the whole seed with force (runs last: it changes the shared database)', async () => {
    const again = await ensureSeeded(db, { cases: 400, seed: 6, now: NOW, force: true })
    expect(again.seeded).toBe(true)
    expect(count('cases')).toBe(400)
    expect(count('case_events')).toBe(again.events)
    expect(count('matters')).toBe(1456)
    expect(indexNames(db)).toEqual(indexesBefore)
  })

  it('changes nothing when seeding fails half-way', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'seed-'))
    try {
      cpSync(DATA_DIR, dir, { recursive: true })
      // A matter with a time limit the calendar refuses: the history breaks after grids, catalogue and
      // some cases have been written.
      const file = join(dir, 'catalogue.json')
      const catalogue = JSON.parse(readFileSync(file, 'utf8'))
      for (const m of catalogue.matters) if (m.bigClass === '04' && m.kind === '事件') m.limitKind = 'fortnights'
      writeFileSync(file, JSON.stringify(catalogue))
      const fresh = openDb(':memory:')
      await expect(ensureSeeded(fresh, { cases: 500, now: NOW, dataDir: dir })).rejects.toThrow(/unknown kind/)
      expect(isSeeded(fresh)).toBe(false)
      for (const t of ['cases', 'case_events', 'matters', 'departments', 'staff'])
        expect(fresh.$client.prepare(`SELECT COUNT(*) FROM ${t}`).pluck().get(), t).toBe(0)
      expect(indexNames(fresh)).toEqual(indexesBefore)
      fresh.$client.close()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
