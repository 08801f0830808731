// The database the live and metrics benchmarks run on: the project's own seed (grids, catalogue and the
// 289,000-case history, written as events), created once and reused while it holds enough cases.
import { openDb, type Db } from '../../server/db'
import { ensureSeeded } from '../../fixtures/seed'

export async function historyDb(file: string, cases: number, log: (s: string) => void = console.log): Promise<Db> {
  const db = openDb(file)
  const have = db.$client.prepare('SELECT COUNT(*) FROM cases').pluck().get() as number
  if (have >= cases * 0.99) return db
  if (have > 0) throw new Error(`${file} holds ${have} cases, fewer than ${cases}: delete it to reseed`)
  const r = await ensureSeeded(db, { cases, log })
  log(`seeded ${file} with ${cases} cases in ${(r.ms / 1000).toFixed(1)} s`)
  // Fold the seed's write-ahead log into the file, so every later reader starts from a compact database.
  db.$client.pragma('wal_checkpoint(TRUNCATE)')
  return db
}
