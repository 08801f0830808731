// The server as `npm start` runs it: a fresh database is migrated and seeded, the server listens, takes a
// report, and on SIGTERM closes cleanly; the acknowledged report is in the database afterwards.
import { afterAll, expect, test } from 'vitest'
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openDb } from '../../server/db'
import { Keys } from '../../server/keys'

const dir = mkdtempSync(join(tmpdir(), 'onescreen-main-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

test('starts on an empty database, acknowledges a report, and shuts down cleanly on SIGTERM', async () => {
  const file = join(dir, 'main.db')
  const pre = openDb(file)
  const keys = new Keys(pre)
  const { secret } = keys.create({ role: 'write', source: 'app', name: 'test' })
  // A write key only writes (least privilege); the test reads with its own viewer token.
  const { secret: viewer } = keys.create({ role: 'viewer', name: 'test screen' })
  pre.$client.close()
  // A calendar whose holiday data ends in the past: the start must say so (issue 10.1).
  const calendar = join(dir, 'calendar.json')
  writeFileSync(calendar, JSON.stringify({ coveredThrough: '2021-12-31' }))

  const env = { ...process.env, ONESCREEN_DB: file, PORT: '0', HOST: '127.0.0.1', ONESCREEN_SEED_CASES: '300', ONESCREEN_DEMO: 'false', LOG_LEVEL: 'info', ONESCREEN_CALENDAR: calendar }
  // As `npm start` does: the demo district is loaded first (fixtures/seed.ts), then the server starts on it.
  const seed = spawnSync(process.execPath, ['--import', 'tsx', 'fixtures/seed.ts'], { env, encoding: 'utf8', timeout: 90_000 })
  expect(seed.status, seed.stderr).toBe(0)
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line in:\n${output}`)), 90_000)
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      const m = /Server listening at http:\/\/127\.0\.0\.1:(\d+)/.exec(output)
      if (m) {
        clearTimeout(timer)
        resolve(Number(m[1]))
      }
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    child.once('exit', (code) => reject(new Error(`exited with ${code}:\n${output}`)))
  })
  expect(seed.stdout).toMatch(/seeded .* in/)
  expect(output).toMatch(/"level":40[^\n]*working calendar: holidays and 调休 days are known through 2021-12-31/)

  const base = `http://127.0.0.1:${port}`
  const health = await (await fetch(`${base}/api/health`)).json()
  expect(health).toMatchObject({ ok: true, calendar: { coveredThrough: '2021-12-31', short: true } })
  const grid = await (await fetch(`${base}/api/cases?limit=1&token=${viewer}`)).json()
  const [lon, lat] = [grid.items[0].lon, grid.items[0].lat] // a point the seed placed in the district
  const catalogue = await (await fetch(`${base}/api/catalogue?token=${viewer}`)).json()
  const r = await fetch(`${base}/api/cases`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': secret, 'idempotency-key': 'main-test-1' },
    body: JSON.stringify({ matter: catalogue.matters[0].code, lon, lat, description: '启动测试' }),
  })
  expect(r.status).toBe(201)
  const { id } = await r.json()

  const code = await new Promise<number | null>((resolve) => {
    child.once('exit', resolve)
    child.kill('SIGTERM')
  })
  expect(code).toBe(0)
  expect(existsSync(`${file}-wal`)).toBe(false) // the last connection closed cleanly and folded its WAL back

  const after = openDb(file)
  expect(after.$client.prepare('SELECT description FROM cases WHERE id = ?').pluck().get(id)).toBe('启动测试')
  after.$client.close()
}, 120_000)
