// The raw SQLite baseline of bench:ingest: the rows a report writes, inserted with nothing around them.
import { join } from 'node:path'
import { openDb, PAGE_CACHE, setPageCache, type Db } from '../../server/db'
import { startCheckpointer } from '../../server/db/checkpointer'
import { GridIndex } from '../../server/geo'

export interface Sample {
  x: number
  y: number
  matter: string
  grid: string
}

/** 5,000 report places in the district, found the way a caller would: random points, kept when located (fixed seed). */
export function samplePoints(db: Db): Sample[] {
  const grids = GridIndex.load(db)
  const matters = db.$client.prepare('SELECT code FROM matters').pluck().all() as string[]
  const [x0, y0, x1, y1] = grids.extent!
  let seed = 12345
  const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32)
  const samples: Sample[] = []
  while (samples.length < 5000) {
    const x = x0 + rnd() * (x1 - x0)
    const y = y0 + rnd() * (y1 - y0)
    const at = grids.locate(x, y)
    if (at) samples.push({ x, y, grid: at.grid, matter: matters[Math.floor(rnd() * matters.length)] })
  }
  return samples
}

const DESCRIPTION = '巡查发现：路面破损，需要处置'
const ADDRESS = '二七区某路'

/**
 * The same rows the ingest writes for a report (one event, one case row), with nothing around them, on a
 * database set up as the server's is (openDb's pragmas, WAL checkpoints in a worker, the same page cache),
 * and grown to the server's size before each timed run: inserting into an empty database is faster than
 * into one holding a hundred thousand cases, and the ratio should compare the work, not the sizes.
 */
export class RawBaseline {
  private readonly sql
  private readonly insert
  private readonly checkpointer
  private nextId = 1

  private constructor(file: string, private readonly samples: Sample[], private readonly batchSize: number) {
    const db = openDb(file)
    const sql = (this.sql = db.$client)
    sql.pragma('temp_store = MEMORY')
    setPageCache(sql, PAGE_CACHE.liveMb)
    this.checkpointer = startCheckpointer(sql)!
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
    this.insert = sql.transaction((from: number, n: number) => {
      for (let id = from; id < from + n; id++) {
        const s = this.samples[id % this.samples.length]
        const now = Date.now()
        const eventId = Number(event.run(id, 'patrol:bench', now).lastInsertRowid)
        kase.run(id, s.matter, s.grid, s.x, s.y, ADDRESS, DESCRIPTION, now, now, eventId)
      }
    })
  }

  static async open(dir: string, samples: Sample[], batchSize: number): Promise<RawBaseline> {
    const raw = new RawBaseline(join(dir, 'raw.db'), samples, batchSize)
    await raw.checkpointer.ready
    return raw
  }

  private rows(n: number) {
    for (let done = 0; done < n; done += this.batchSize) {
      const k = Math.min(this.batchSize, n - done)
      this.insert(this.nextId, k)
      this.nextId += k
    }
  }

  /** Grow (untimed) to `size` cases, then insert `rows` more, timed: rows/s. */
  run(size: number, rows: number): number {
    if (this.nextId - 1 < size) this.rows(size - (this.nextId - 1))
    const t0 = performance.now()
    this.rows(rows)
    return rows / ((performance.now() - t0) / 1000)
  }

  async close() {
    await this.checkpointer.stop()
    this.sql.close()
  }
}
