// The raw SQLite baseline of bench:ingest: the rows a report writes, inserted with nothing around them.
import { join } from 'node:path'
import { openDb } from '../../server/db'
import { startCheckpointer } from '../../server/db/checkpointer'

export interface Sample {
  x: number
  y: number
  matter: string
  grid: string
}

const DESCRIPTION = '巡查发现：路面破损，需要处置'
const ADDRESS = '二七区某路'

/**
 * The same rows the ingest writes for a report (one event, one case row), with nothing around them, on a
 * database set up as the server's is (openDb's pragmas, WAL checkpoints in a worker), so the ratio compares
 * the ingest with the inserts alone and not with a different way of syncing the disk.
 */
export async function rawRound(dir: string, samples: Sample[], rows: number, batchSize: number) {
  const file = join(dir, `raw-${Math.random().toString(36).slice(2)}.db`)
  const db = openDb(file)
  const sql = db.$client
  sql.pragma('temp_store = MEMORY')
  sql.pragma('cache_size = -65536')
  const checkpointer = startCheckpointer(sql)!
  await checkpointer.ready
  const event = sql.prepare(
    `INSERT INTO case_events (case_id, action, from_state, to_state, level, actor, at, reason, data) VALUES (?, 'report', NULL, 'reported', 'grid', ?, ?, NULL, NULL)`,
  )
  const kase = sql.prepare(
    `INSERT INTO cases (id, external_id, source, matter, grid, special, lon, lat, address, description, reporter_name,
      reporter_phone, media_url, reported_at, state, level, light, department, deadline, registered_at, dispatched_at,
      handled_at, closed_at, reworks, returns, extensions, supervised, forced, rating, contacted, resolved, updated_at, last_event_id)
     VALUES (?, NULL, 'patrol', ?, ?, NULL, ?, ?, ?, ?, NULL, NULL, NULL, ?, 'reported', 'grid', 'green', NULL, NULL, NULL, NULL,
      NULL, NULL, 0, 0, 0, 0, 0, NULL, 0, 0, ?, ?)`,
  )
  const insert = sql.transaction((from: number, n: number) => {
    for (let id = from; id < from + n; id++) {
      const s = samples[id % samples.length]
      const now = Date.now()
      const eventId = Number(event.run(id, 'patrol:bench', now).lastInsertRowid)
      kase.run(id, s.matter, s.grid, s.x, s.y, ADDRESS, DESCRIPTION, now, now, eventId)
    }
  })
  const t0 = performance.now()
  for (let id = 1; id <= rows; id += batchSize) insert(id, batchSize)
  const perSec = rows / ((performance.now() - t0) / 1000)
  await checkpointer.stop()
  sql.close()
  return perSec
}
