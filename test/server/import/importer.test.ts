import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../../server/app'
import { testConfig } from '../../../server/config'
import type { Db } from '../../../server/db'
import { importFile, type ImportOptions } from '../../../server/import/importer'
import { loadMapping } from '../../../server/import/mapping'
import type { Committed } from '../../../server/cases/ingest'
import { Keys } from '../../../server/keys'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { writeSample, type ExportRow, type Planted } from '../../../fixtures/generate/hotline-export'
import { districtDb } from './district'

// The sample export, generated afresh from the current fixtures (the committed copy is checked elsewhere).
const dir = mkdtempSync(join(tmpdir(), 'onescreen-12345-'))
const CSV = join(dir, 'sample.csv')
const XLSX = join(dir, 'sample.xlsx')
afterAll(() => rmSync(dir, { recursive: true, force: true }))

let planted: Planted[]
let rowsByNumber: Map<number, ExportRow>

async function server(): Promise<{ app: FastifyInstance; db: Db }> {
  const db = districtDb()
  const app = buildApp(testConfig(), { db })
  await app.ready()
  return { app, db }
}

const caseRows = (db: Db) =>
  db.$client.prepare(
    `SELECT external_id, source, matter, grid, special, round(lon, 7) AS lon, round(lat, 7) AS lat, address, description,
       reporter_name, reporter_phone, state, department, deadline, reported_at, dispatched_at, handled_at, closed_at, rating
     FROM cases ORDER BY external_id`,
  ).all()

beforeAll(async () => {
  const sample = await writeSample(join(dir, 'sample'))
  planted = sample.planted
  rowsByNumber = new Map(sample.rows.map((r, i) => [i + 2, r]))
})

describe('importing the sample export', () => {
  let a: { app: FastifyInstance; db: Db }
  let committed = 0
  beforeAll(async () => {
    a = await server()
    a.app.ingest.on('committed', (batch: Committed[]) => (committed += batch.length))
  })
  afterAll(() => a.app.close())

  it('keeps the good rows and reports every planted bad row with its row and column', async () => {
    const s = await importFile(a.app, CSV, { batchSize: 64 })
    const bad = planted.filter((p) => p.outcome === 'bad')
    const skipped = planted.filter((p) => p.outcome === 'skipped')
    expect(s).toMatchObject({ rows: 300, imported: 300 - bad.length - skipped.length, skipped: skipped.length, bad: bad.length })
    // Every reported problem is a planted one (row and column), and every planted one is reported.
    const reported = s.errors.map((e) => `${e.row}:${e.column}`)
    const expected = bad.flatMap((p) => p.columns.map((c) => `${p.row}:${c}`))
    expect(reported.sort()).toEqual(expected.sort())
    for (const e of s.errors) expect(e.reason.length).toBeGreaterThan(5)
    expect(s.skippedRows).toEqual([{ row: skipped[0].row, externalId: rowsByNumber.get(skipped[0].row)!.工单编号, reason: expect.stringMatching(/^duplicate of row \d+ in this file$/) }])
    // One committed event per workflow step reached the listeners (metrics, deadlines, live frames).
    expect(committed).toBe((a.db.$client.prepare('SELECT COUNT(*) FROM case_events').pluck().get() as number))
  })

  it('writes each order with its history as the export shows it', () => {
    // Pick a row that was closed and rated, and one left open.
    const rated = [...rowsByNumber.values()].find((r) => r.满意度 === '基本满意' || r.满意度 === '满意')!
    const id = a.app.db.$client.prepare('SELECT id FROM cases WHERE external_id = ?').pluck().get(rated.工单编号) as number
    const row = a.app.cases.get(id)!
    const at = (v: unknown) => (v as { at: number }).at
    expect(row).toMatchObject({
      source: 'hotline', reportedAt: at(rated.来电时间), closedAt: at(rated.办结时间), description: rated.诉求内容,
      address: rated.地址, reporterName: rated.来电人, reporterPhone: rated.联系电话, state: 'rated',
    })
    expect(a.app.catalogue.departments.get(row.department!)!.name).toBe(rated.承办单位)
    const events = a.app.cases.events(id)
    expect(events.map((e) => e.action)).toEqual(['report', 'verify', 'register', 'dispatch', 'handle', 'check', 'close', 'rate'])
    expect(events.map((e) => e.at)).toEqual([
      at(rated.来电时间), at(rated.来电时间), at(rated.来电时间), at(rated.派单时间), at(rated.办结时间), at(rated.办结时间),
      at(rated.办结时间), at(rated.回访时间),
    ])
    expect(new Set(events.map((e) => e.actor))).toEqual(new Set(['import:12345']))
    // The register step got the matter's deadline from the ingest.
    expect(row.deadline).toBeGreaterThan(row.reportedAt)

    const [, open] = [...rowsByNumber].find(([n, r]) => r.办结时间 === null && r.承办单位 !== null && !planted.some((p) => p.row === n))!
    const openId = a.app.db.$client.prepare('SELECT id FROM cases WHERE external_id = ?').pluck().get(open.工单编号) as number
    // An open order stops at its dispatch; after that only the deadline timer acts (a December 2025 order is
    // long overdue by now, so it turns yellow, then red, at once).
    const actions = a.app.cases.events(openId).map((e) => e.action)
    expect(actions.slice(0, 4)).toEqual(['report', 'verify', 'register', 'dispatch'])
    expect(actions.slice(4)).toEqual(['warn', 'overdue'])
  })

  it('creates no duplicates when the same file comes again (as CSV or as XLSX)', async () => {
    const before = caseRows(a.db)
    for (const file of [CSV, XLSX]) {
      const again = await importFile(a.app, file)
      expect(again).toMatchObject({ rows: 300, imported: 0, skipped: 290, bad: 10 })
      expect(again.skippedRows.filter((k) => k.reason === 'already imported')).toHaveLength(289)
    }
    expect(caseRows(a.db)).toEqual(before)
  })

  it('shows the imported cases through GET /api/cases (what the wall reads)', async () => {
    const r = await a.app.inject('/api/cases?source=hotline&limit=5')
    expect(r.statusCode).toBe(200)
    const body = JSON.parse(r.body)
    expect(body.total).toBe(289)
    expect(body.items[0].externalId).toMatch(/^ZZ2025\d{9}$/)
    // Personal data stays masked for a screen.
    expect(body.items[0].reporterPhone).toMatch(/^\d{3}\*{4}\d{4}$/)
  })
})

describe('CSV and XLSX', () => {
  it('import to the same cases', async () => {
    const c = await server()
    const x = await server()
    try {
      const sc = await importFile(c.app, CSV)
      const sx = await importFile(x.app, XLSX, { batchSize: 1000 })
      expect({ ...sx, ms: 0 }).toEqual({ ...sc, ms: 0 })
      expect(caseRows(x.db)).toEqual(caseRows(c.db))
    } finally {
      await c.app.close()
      await x.app.close()
    }
  })
})

describe('files and mappings', () => {
  let a: { app: FastifyInstance; db: Db }
  beforeAll(async () => {
    a = await server()
  })
  afterAll(() => a.app.close())
  let n = 0
  /** Import text as a file of the given kind. */
  const importText = (text: string, kind: 'csv' | 'xlsx', opts: ImportOptions = {}) => {
    const file = join(dir, `text-${++n}.${kind}`)
    writeFileSync(file, text)
    return importFile(a.app, file, { kind, ...opts })
  }
  const stored = () => a.db.$client.prepare('SELECT COUNT(*) FROM cases').pluck().get() as number

  it('refuses a file whose header lacks required columns, storing nothing', async () => {
    await expect(importText('工单编号,来电时间,诉求内容\nA1,2025-12-01 09:00,垃圾\n', 'csv')).rejects.toThrow(
      /missing columns 经度 \(lon\), 纬度 \(lat\), 事项分类 \(matter\)/,
    )
    expect(stored()).toBe(0)
  })

  it('finds the header below a title row, and numbers rows as the sheet does', async () => {
    const s = await importText(
      '二七区12345工单明细（2025年12月）,,,,,\n' +
      '工单编号,来电时间,诉求内容,经度,纬度,事项分类\n' +
      'T-1,2025-12-01 09:00:00,井盖缺失,113.62,34.74,外星人入侵\n',
    'csv')
    expect(s).toMatchObject({ rows: 1, bad: 1, errors: [{ row: 3, column: '事项分类' }] })
  })

  it('refuses an empty file and a file that is not a spreadsheet', async () => {
    await expect(importText('', 'csv')).rejects.toThrow(/empty/)
    await expect(importText('PK\u0003\u0004 not really a zip', 'xlsx')).rejects.toThrow(/cannot be read as XLSX/)
  })

  it('reads other headers and WGS-84 coordinates through a mapping', async () => {
    const mapping = loadMapping({
      columns: { externalId: 'Ticket', reportedAt: 'Opened', description: 'Text', lon: 'X', lat: 'Y', matter: 'Category' },
      crs: 'wgs84',
    })
    const s = await importText(
      'Ticket,Opened,Text,X,Y,Category\n' +
      'EN-1,2025-12-01 09:00:00,Garbage at the gate,113.62,34.74,10100101\n' +
      'EN-2,2025-12-01 10:00:00,Same place,113.62,34.74,no-such-matter\n',
    'csv', { mapping })
    expect(s).toMatchObject({ rows: 2, imported: 1, bad: 1, errors: [{ row: 3, column: 'Category' }] })
    const row = a.db.$client.prepare("SELECT lon, lat, state FROM cases WHERE external_id = 'EN-1'").get()
    // WGS-84 as given: no GCJ-02 shift applied.
    expect(row).toEqual({ lon: 113.62, lat: 34.74, state: 'registered' })
  })
})
