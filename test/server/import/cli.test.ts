import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeSample } from '../../../fixtures/generate/hotline-export'
import { formatSummary } from '../../../server/import/cli'
import { districtDb } from './district'

const run = promisify(execFile)
const ROOT = join(import.meta.dirname, '../../..')
const dir = mkdtempSync(join(tmpdir(), 'onescreen-cli-'))
const db = join(dir, 'onescreen.db')

const cli = (...args: string[]) =>
  run(join(ROOT, 'node_modules/.bin/tsx'), ['server/import/cli.ts', ...args], { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'silent' } })
    .then((r) => ({ code: 0, ...r }), (e: { code: number; stdout: string; stderr: string }) => e)

beforeAll(async () => {
  await writeSample(join(dir, 'sample'))
  districtDb(db).$client.close()
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('npm run import', () => {
  it('imports a file into the database it is given, and a second run skips it all', async () => {
    const first = await cli(join(dir, 'sample.xlsx'), '--db', db, '--json')
    expect(first.code, first.stderr).toBe(0)
    expect(JSON.parse(first.stdout)).toMatchObject({ rows: 300, imported: 289, skipped: 1, bad: 10 })
    const second = await cli(join(dir, 'sample.csv'), '--db', db)
    expect(second.code).toBe(0)
    expect(second.stdout).toMatch(/300 rows in [\d.]+ s — imported 0, skipped 290, bad 10/)
    expect(second.stdout).toMatch(/row \d+, 事项分类: unknown matter "外星人入侵"/)
  }, 30_000)

  it('fails with a message for a file it cannot use', async () => {
    const bad = join(dir, 'bad.csv')
    writeFileSync(bad, '工单编号,诉求内容\nA,b\n')
    const r = await cli(bad, '--db', db)
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/import: missing columns 来电时间 \(reportedAt\)/)
    const empty = await cli(join(dir, 'sample.csv'), '--db', join(dir, 'empty.db'))
    expect(empty.code).toBe(1)
    expect(empty.stderr).toMatch(/the database has no grids/)
  }, 30_000)
})

describe('the summary', () => {
  it('counts problems, lists the bad rows it has and the first skipped ones', () => {
    const summary = {
      rows: 3, imported: 1, skipped: 1, bad: 1, ms: 1234,
      problems: [{ column: '经度', problem: 'missing', count: 1 }],
      errors: [{ row: 3, column: '经度', problem: 'missing', reason: 'missing' }],
      errorCount: 1,
      skippedRows: [{ row: 4, externalId: 'ZZ1', reason: 'already imported' }],
    }
    expect(formatSummary(summary, 'x.csv')).toBe([
      'x.csv: 3 rows in 1.2 s — imported 1, skipped 1, bad 1', '', 'problems (column: problem × rows):', '  经度: missing × 1',
      '', 'bad rows (row, column: reason):', '  row 3, 经度: missing',
      '', 'skipped rows:', '  row 4, 工单编号 ZZ1: already imported',
    ].join('\n'))
    // A report longer than the list says where the rest is.
    expect(formatSummary({ ...summary, errorCount: 5000 }, 'x.csv', 'all.csv')).toMatch(/bad rows \(first 1 of 5000; all in all\.csv\)/)
  })
})
