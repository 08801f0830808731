// The WAL file does not keep the size of its largest burst: once SQLite starts it over (after a checkpoint
// that copied it all), the next commit cuts it back to WAL_SIZE_LIMIT.
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, expect, test } from 'vitest'
import { openDb, WAL_SIZE_LIMIT, type Db } from '../../../server/db'

let dir: string
let db: Db
afterEach(() => {
  db?.$client.close()
  rmSync(dir, { recursive: true, force: true })
})

test('after a burst larger than the limit, a checkpoint and the next commit cut the WAL back to the limit', () => {
  dir = mkdtempSync(join(tmpdir(), 'onescreen-wal-'))
  const file = join(dir, 'wal.db')
  db = openDb(file)
  const sql = db.$client
  sql.exec('CREATE TABLE burst (b BLOB)')
  const insert = sql.prepare('INSERT INTO burst VALUES (zeroblob(1048576))')
  const mb = Math.ceil(WAL_SIZE_LIMIT / 2 ** 20) + 16
  sql.transaction(() => {
    for (let i = 0; i < mb; i++) insert.run()
  })()
  const wal = () => statSync(`${file}-wal`).size
  expect(wal()).toBeGreaterThan(WAL_SIZE_LIMIT)
  sql.pragma('wal_checkpoint(PASSIVE)')
  sql.exec('DELETE FROM burst')
  expect(wal()).toBeLessThanOrEqual(WAL_SIZE_LIMIT)
})
