import { expect, test } from 'vitest'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openDb } from '../../../server/db'
import { startCheckpointer } from '../../../server/db/checkpointer'

test('an in-memory database needs no checkpointer', () => {
  const db = openDb(':memory:')
  expect(startCheckpointer(db.$client)).toBeNull()
  db.$client.close()
})

test('checkpoints a file database from a worker while the writer never does', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'onescreen-ckpt-'))
  try {
    const file = join(dir, 'c.db')
    const db = openDb(file)
    const cp = startCheckpointer(db.$client, { everyMs: 20 })!
    await cp.ready
    expect(db.$client.pragma('wal_autocheckpoint', { simple: true })).toBe(0)
    const insert = db.$client.prepare("INSERT INTO departments (code, name) VALUES (?, 'x')")
    for (let i = 0; i < 3000; i++) {
      insert.run(`D${i}`) // one transaction each: thousands of WAL frames
      if (i % 300 === 0) await new Promise((r) => setTimeout(r, 25))
    }
    const stats = await cp.stop()
    expect(stats.runs).toBeGreaterThan(3)
    expect(stats.frames).toBeGreaterThan(0)
    // Without checkpoints 3,000 commits would leave a WAL of thousands of pages; the worker kept it reused.
    expect(statSync(`${file}-wal`).size).toBeLessThan(3000 * 4096)
    expect(db.$client.pragma('wal_autocheckpoint', { simple: true })).toBe(1000)
    db.$client.close()
    const again = openDb(file)
    expect(again.$client.prepare('SELECT COUNT(*) FROM departments').pluck().get()).toBe(3000)
    again.$client.close()
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
