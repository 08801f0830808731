// Where the saved states live: a SQLite file of its own beside the database (`<db>-replay`). They are a
// cache derived from the log, so they stay out of the log's file: building them never takes the write lock
// the ingest needs, and deleting the file only costs a rebuild. One row per local day: the metrics state as
// of that day's midnight, either whole (a key frame) or as the difference from the day before.
import Database from 'better-sqlite3'

export interface StoredDay {
  day: number
  key: boolean
  bytes: Buffer
}

/** What the saved states were built from; a mismatch means another layout or another log: start over. */
export interface StoreIdentity {
  version: number
  fingerprint: string
  utcOffset: number
  /** The first event of the log (id and time): a reseeded log has other ones. */
  logStart: string
}

export class StateStore {
  readonly db: Database.Database

  constructor(file: string) {
    this.db = new Database(file)
    if (file !== ':memory:') this.db.pragma('journal_mode = WAL')
    this.db.pragma('synchronous = NORMAL')
    this.db.pragma('busy_timeout = 5000')
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS days (day INTEGER PRIMARY KEY, key INTEGER NOT NULL, bytes BLOB NOT NULL);
    `)
  }

  /** Keep the days only if they were built for `id`; otherwise drop them all and record `id`. */
  claim(id: StoreIdentity): boolean {
    const want = JSON.stringify(id)
    const have = (this.db.prepare("SELECT v FROM meta WHERE k = 'identity'").pluck().get() as string | undefined) ?? null
    if (have === want) return true
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM days').run()
      this.db.prepare("INSERT OR REPLACE INTO meta (k, v) VALUES ('identity', ?)").run(want)
    })()
    return false
  }

  /** The newest saved day, or null. */
  lastDay(): number | null {
    return (this.db.prepare('SELECT MAX(day) FROM days').pluck().get() as number | null) ?? null
  }

  /**
   * The rows that make up the state of the newest saved day at or before `day`: its key frame and every
   * difference after it, oldest first. Empty when there is none.
   */
  chain(day: number): StoredDay[] {
    const key = this.db.prepare('SELECT MAX(day) FROM days WHERE key = 1 AND day <= ?').pluck().get(day) as number | null
    if (key === null) return []
    const rows = this.db.prepare('SELECT day, key, bytes FROM days WHERE day >= ? AND day <= ? ORDER BY day').all(key, day) as {
      day: number; key: number; bytes: Buffer
    }[]
    // Days are saved one after another; a gap would mean a broken chain (never written that way).
    const out: StoredDay[] = []
    for (const r of rows) {
      if (out.length && r.day !== out[out.length - 1].day + 1) break
      out.push({ day: r.day, key: r.key === 1, bytes: r.bytes })
    }
    return out
  }

  put(d: StoredDay): void {
    this.db.prepare('INSERT OR REPLACE INTO days (day, key, bytes) VALUES (?, ?, ?)').run(d.day, d.key ? 1 : 0, d.bytes)
  }

  /** Forget the days after `day` (an event dated before their midnight arrived late). Returns how many. */
  dropAfter(day: number): number {
    return this.db.prepare('DELETE FROM days WHERE day > ?').run(day).changes
  }

  /** Bytes stored, and days. */
  size(): { days: number; keyFrames: number; bytes: number } {
    const r = this.db.prepare('SELECT COUNT(*) AS days, COALESCE(SUM(key), 0) AS keyFrames, COALESCE(SUM(LENGTH(bytes)), 0) AS bytes FROM days').get() as {
      days: number; keyFrames: number; bytes: number
    }
    return r
  }

  close(): void {
    if (this.db.open) this.db.close()
  }
}
