// Opens the SQLite file in WAL mode and brings its schema up to date with the drizzle-kit migrations.
import Database from 'better-sqlite3'
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3'
import { migrate } from 'drizzle-orm/better-sqlite3/migrator'
import { mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as schema from './schema'

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database }
export const DEFAULT_DB_FILE = 'data/onescreen.db'
const MIGRATIONS = join(dirname(fileURLToPath(import.meta.url)), 'migrations')

/**
 * How a commit reaches the disk (SQLite `synchronous`, in WAL mode). FULL: the WAL is synced at every commit,
 * so an acknowledged write survives a power cut. NORMAL: synced only at checkpoints; survives a crash of the
 * process (kill -9) but a power cut may lose the last commits. EXTRA also syncs the directory.
 */
export const SYNCHRONOUS = ['full', 'normal', 'extra'] as const
export type Synchronous = (typeof SYNCHRONOUS)[number]

/**
 * The size the WAL file is cut back to when SQLite next starts it over. A burst (an import, a day of catch-up)
 * grows it to hundreds of MB, and SQLite reuses a WAL file without shrinking it: without a limit the file keeps
 * its largest size for good. (2 min at 200 reports/s already took it to 20 MB.)
 */
export const WAL_SIZE_LIMIT = 64 * 2 ** 20

/**
 * The page cache, in MB, for the two kinds of writing (ONESCREEN_DB_CACHE_MB, ONESCREEN_DB_IMPORT_CACHE_MB).
 * Live writes: 16. Every COMMIT walks every page the cache holds: a b-tree split reorders its new pages through the
 * locking page's number (262,145 with 4 KB pages) as a temporary key, and the truncation at the end of the
 * transaction then visits the whole cache (SQLite's pcache1TruncateUnsafe, 7.6 % of the server's CPU with 64 MB
 * under single events). Paired, 16 MB against 64: single events ×1.20, CPU per report in bench:live −3 to −20 %.
 * An import writes 100,000 rows into random places of a large database in few commits: 64 (with 16, bench:import
 * fell from 62 % to 36 % of raw SQLite).
 */
export const PAGE_CACHE = { liveMb: 16, importMb: 64 } as const

/** Set the connection's page cache to `mb` MB. */
export function setPageCache(sql: Database.Database, mb: number): void {
  sql.pragma(`cache_size = -${mb * 1024}`)
}

/** Open (creating if needed) and migrate. `:memory:` gives a private database, handy in tests. */
export function openDb(file: string = process.env.ONESCREEN_DB ?? DEFAULT_DB_FILE, synchronous: Synchronous = 'full'): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true })
  const sqlite = new Database(file)
  sqlite.pragma('journal_mode = WAL')
  sqlite.pragma(`synchronous = ${synchronous.toUpperCase()}`)
  sqlite.pragma('foreign_keys = ON')
  sqlite.pragma('busy_timeout = 5000')
  sqlite.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT}`)
  const db = drizzle(sqlite, { schema }) as Db
  migrate(db, { migrationsFolder: MIGRATIONS })
  return db
}

export { schema }
