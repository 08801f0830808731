import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../../../../server/app'
import { testConfig } from '../../../../../server/config'
import { Keys } from '../../../../../server/keys'
import { writeSample, type Planted } from '../../../../../fixtures/generate/hotline-export'
import { districtDb } from '../../../import/district'
import { multipart, type Part } from './multipart'

const dir = mkdtempSync(join(tmpdir(), 'onescreen-upload-'))
let app: FastifyInstance
let keys: Record<'importer' | 'operator' | 'hotline' | 'viewer', string>
let planted: Planted[]
let xlsx: Buffer
let csv: Buffer

beforeAll(async () => {
  planted = (await writeSample(join(dir, 'sample'))).planted
  xlsx = readFileSync(join(dir, 'sample.xlsx'))
  csv = readFileSync(join(dir, 'sample.csv'))
  const db = districtDb()
  const k = new Keys(db)
  keys = {
    importer: k.create({ role: 'write', source: 'import', name: 'hotline import' }).secret,
    operator: k.create({ role: 'operator', name: 'duty officer' }).secret,
    hotline: k.create({ role: 'write', source: 'hotline', name: '12345' }).secret,
    viewer: k.create({ role: 'viewer', name: 'wall' }).secret,
  }
  app = buildApp(testConfig(), { db })
  await app.ready()
})
afterAll(async () => {
  await app.close()
  rmSync(dir, { recursive: true, force: true })
})

const upload = (key: string | null, parts: Part[]) => {
  const { payload, headers } = multipart(parts)
  return app.inject({ method: 'POST', url: '/api/import', payload, headers: { ...headers, ...(key ? { 'x-api-key': key } : {}) } })
}
const stored = () => app.db.$client.prepare('SELECT COUNT(*) FROM cases').pluck().get() as number

describe('POST /api/import', () => {
  it('needs an import or operator key', async () => {
    const file = [{ name: 'file', filename: 'x.xlsx', content: xlsx }]
    expect((await upload(null, file)).statusCode).toBe(401)
    for (const key of [keys.hotline, keys.viewer]) {
      const r = await upload(key, file)
      expect(r.statusCode).toBe(403)
      expect(JSON.parse(r.body).field).toBe('x-api-key')
    }
    expect(stored()).toBe(0)
  })

  it('imports an uploaded XLSX and answers the summary; the cases are on the wall', async () => {
    const r = await upload(keys.importer, [{ name: 'file', filename: '12345-2025-12.xlsx', content: xlsx, type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }])
    expect(r.statusCode, r.body).toBe(200)
    const s = JSON.parse(r.body)
    const bad = planted.filter((p) => p.outcome === 'bad')
    expect(s).toMatchObject({ rows: 300, imported: 300 - bad.length - 1, skipped: 1, bad: bad.length })
    expect(s.errors.map((e: { row: number }) => e.row)).toEqual(bad.flatMap((p) => p.columns.map(() => p.row)))
    const list = JSON.parse((await app.inject('/api/cases?source=hotline&limit=1')).body)
    expect(list.total).toBe(s.imported)
  })

  it('skips what was already imported when the same orders come again as CSV', async () => {
    const before = stored()
    const r = await upload(keys.operator, [{ name: 'file', filename: 'again.csv', content: csv, type: 'text/csv' }])
    expect(r.statusCode).toBe(200)
    expect(JSON.parse(r.body)).toMatchObject({ imported: 0, skipped: 290, bad: 10 })
    expect(stored()).toBe(before)
  })

  it('takes a column mapping sent before the file', async () => {
    const mapping = JSON.stringify({ columns: { externalId: 'Ticket', reportedAt: 'Opened', description: 'Text', lon: 'X', lat: 'Y', matter: 'Category' }, crs: 'wgs84' })
    const body = 'Ticket,Opened,Text,X,Y,Category\r\nUP-1,2025-12-01 09:00:00,Garbage,113.62,34.74,10100101\r\n'
    const r = await upload(keys.importer, [{ name: 'mapping', content: mapping }, { name: 'file', filename: 'en.csv', content: body }])
    expect(r.statusCode, r.body).toBe(200)
    expect(JSON.parse(r.body)).toMatchObject({ rows: 1, imported: 1, bad: 0 })
  })

  it('refuses what it cannot read with a 4xx naming the problem, storing nothing', async () => {
    const before = stored()
    const cases: [Part[], number, string, RegExp][] = [
      [[{ name: 'file', filename: 'x.csv', content: '工单编号,诉求内容\r\nA,b\r\n' }], 400, 'file', /missing columns 来电时间/],
      [[{ name: 'file', filename: 'x.xlsx', content: Buffer.from('PK\u0003\u0004garbage') }], 400, 'file', /cannot be read as XLSX/],
      [[{ name: 'file', filename: 'x.csv', content: '' }], 400, 'file', /empty/],
      [[{ name: 'mapping', content: '{not json' }, { name: 'file', filename: 'x.csv', content: csv }], 400, 'mapping', /not valid JSON/],
      [[{ name: 'mapping', content: '{"crs":"bd09"}' }, { name: 'file', filename: 'x.csv', content: csv }], 400, 'mapping', /mapping.crs/],
      [[{ name: 'upload', filename: 'x.csv', content: csv }], 400, 'file', /`file` field/],
    ]
    for (const [parts, status, field, message] of cases) {
      const r = await upload(keys.importer, parts)
      expect(r.statusCode, r.body).toBe(status)
      expect(JSON.parse(r.body)).toMatchObject({ field, message: expect.stringMatching(message) })
    }
    const json = await app.inject({ method: 'POST', url: '/api/import', headers: { 'x-api-key': keys.importer, 'content-type': 'application/json' }, payload: '{}' })
    expect(json.statusCode).toBe(415)
    expect(stored()).toBe(before)
  })
})
