// Acknowledged must survive a power cut (issue 10 §5): by default a write is acknowledged only after the WAL
// holding it has been fsynced (ONESCREEN_DB_SYNCHRONOUS=full), and that fsync runs off the event loop.
import { afterEach, describe, expect, test } from 'vitest'
import { fstatSync, fsync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadConfig, testConfig } from '../../../server/config'
import { openDb, type Db } from '../../../server/db'
import { WalSync } from '../../../server/db/wal-sync'
import { GroupCommit } from '../../../server/cases/group-commit'
import { buildApp } from '../../../server/app'
import { Keys } from '../../../server/keys'
import { AT, post, reportBody, seedSmall } from '../helpers'

const dirs: string[] = []
const dbs: Db[] = []
function tempDb(): { db: Db; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'onescreen-durable-'))
  dirs.push(dir)
  const file = join(dir, 'd.db')
  const db = openDb(file)
  dbs.push(db)
  return { db, file }
}
afterEach(() => {
  for (const db of dbs.splice(0)) if (db.$client.open) db.$client.close()
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

describe('the setting', () => {
  test('is full by default, configurable, and a wrong value names the variable', () => {
    expect(loadConfig({}).dbSynchronous).toBe('full')
    expect(loadConfig({ ONESCREEN_DB_SYNCHRONOUS: 'NORMAL' }).dbSynchronous).toBe('normal')
    expect(() => loadConfig({ ONESCREEN_DB_SYNCHRONOUS: 'off' })).toThrow(/ONESCREEN_DB_SYNCHRONOUS="off".*full, normal, extra/)
  })

  test('a database opened outside the server (CLIs, the seed) is SQLite FULL', () => {
    expect(tempDb().db.$client.pragma('synchronous', { simple: true })).toBe(2)
  })
})

describe('the group commit', () => {
  test('acknowledges a write only once the durability hook says it is on disk; listeners hear at once', async () => {
    const { db } = tempDb()
    db.$client.exec('CREATE TABLE t (x INTEGER)')
    let release: () => void = () => {}
    let asked = 0
    const gc = new GroupCommit(db, {
      durable: () => {
        asked++
        return new Promise<void>((r) => (release = r))
      },
    })
    let heard = 0
    gc.on('committed', () => heard++)
    let acked = false
    const write = gc.submit(() => gc.write(() => {
      db.$client.prepare('INSERT INTO t VALUES (1)').run()
      gc.record({} as never)
    })).then(() => (acked = true))
    await new Promise((r) => setTimeout(r, 30))
    expect(asked).toBe(1)
    expect(db.$client.prepare('SELECT COUNT(*) FROM t').pluck().get()).toBe(1) // committed
    expect(heard).toBe(1)
    expect(acked).toBe(false) // …but not acknowledged before the fsync
    release()
    await write
    expect(acked).toBe(true)
  })

  test('a failed fsync fails the writes it could not make durable', async () => {
    const { db } = tempDb()
    const gc = new GroupCommit(db, { durable: () => Promise.reject(new Error('EIO')) })
    await expect(gc.submit(() => 1)).rejects.toThrow('EIO')
  })
})

describe('WalSync', () => {
  test('fsyncs the WAL file, one fsync for the commits that arrived while one was running', async () => {
    const { db, file } = tempDb()
    db.$client.exec('CREATE TABLE t (x INTEGER)')
    const synced: number[] = []
    const ws = new WalSync(file, (fd, done) => {
      synced.push(fstatSync(fd).ino)
      setTimeout(() => fsync(fd, done), 20)
    })
    db.$client.prepare('INSERT INTO t VALUES (1)').run()
    const first = ws.sync()
    // 50 commits while the first fsync runs: they share the next one.
    const rest = Array.from({ length: 50 }, () => (db.$client.prepare('INSERT INTO t VALUES (2)').run(), ws.sync()))
    await Promise.all([first, ...rest])
    expect(synced).toHaveLength(2)
    expect(new Set(synced)).toEqual(new Set([statSync(`${file}-wal`).ino]))
    expect(ws.stats).toEqual({ syncs: 2, commits: 51 })
    await ws.close()
  })
})

// A whole server on a file database: slow on a busy shared machine, so more time than the default.
describe('the server', { timeout: 120_000 }, () => {
  test('by default: SQLite does not fsync on the event loop, and every acknowledged write was fsynced first', async () => {
    const { db, file } = tempDb()
    seedSmall(db)
    const key = new Keys(db).create({ role: 'write', source: 'hotline', name: 't' }).secret
    const app = buildApp(testConfig({ dbFile: file }), { db })
    await app.ready()
    try {
      expect(db.$client.pragma('synchronous', { simple: true })).toBe(1) // NORMAL: the fsync is WalSync's
      expect(app.walSync).not.toBeNull()
      const before = app.walSync!.stats.commits
      const acks = await Promise.all(Array.from({ length: 8 }, () => post(app, '/api/cases', reportBody(AT.a1), key)))
      expect(acks.every((r) => r.statusCode === 201)).toBe(true)
      expect(app.walSync!.stats.commits).toBeGreaterThan(before)
      expect(app.walSync!.stats.syncs).toBeGreaterThan(0)
      // Open311 POST writes directly (not through the group) and also waits.
      const form = new URLSearchParams({ api_key: key, service_code: '02001', lat: String(AT.a1[1]), long: String(AT.a1[0]), description: 'x' })
      const syncs = app.walSync!.stats.syncs
      const r = await app.inject({ method: 'POST', url: '/open311/v2/requests.json', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: form.toString() })
      expect(r.statusCode, r.body).toBe(200)
      expect(app.walSync!.stats.syncs).toBeGreaterThan(syncs)
    } finally {
      await app.close()
    }
  })

  test('ONESCREEN_DB_SYNCHRONOUS=normal: acknowledged after commit, no fsync', async () => {
    const { db, file } = tempDb()
    seedSmall(db)
    const app = buildApp(testConfig({ dbFile: file, dbSynchronous: 'normal' }), { db })
    await app.ready()
    try {
      expect(db.$client.pragma('synchronous', { simple: true })).toBe(1)
      expect(app.walSync).toBeNull()
    } finally {
      await app.close()
    }
  })
})
