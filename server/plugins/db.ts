// The database as `app.db`: opened (and migrated) from config.dbFile, or handed in by a test or the server's
// main, which then owns closing it. WAL checkpoints run in a worker thread and the WAL's fsyncs on libuv's
// thread pool, so no request waits on the disk while holding the event loop.
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { openDb, setPageCache, type Db } from '../db'
import { startCheckpointer } from '../db/checkpointer'
import { WalSync } from '../db/wal-sync'

declare module 'fastify' {
  interface FastifyInstance {
    db: Db
    /** Resolves once everything committed so far is on disk (per ONESCREEN_DB_SYNCHRONOUS). */
    durable: () => Promise<void>
    /** The WAL fsyncs of synchronous 'full' (null otherwise): its stats say how many commits share one. */
    walSync: WalSync | null
    /** Give the connection the import's page cache until the returned function is called (db/index PAGE_CACHE). */
    importCache: () => () => void
  }
}

export default fp(
  async function db(app: FastifyInstance, opts: { db?: Db }) {
    const db = opts.db ?? openDb(app.config.dbFile, app.config.dbSynchronous)
    // What an acknowledgement means is the server's setting, also on a database handed in (main, tests).
    // 'full': every acknowledged write is on disk, fsynced off the event loop by the WAL sync (db/wal-sync),
    // so SQLite itself need not fsync inside COMMIT. 'normal': a commit survives a crash of the process, not a
    // power cut. 'extra': SQLite's own EXTRA, on the event loop.
    const sync = app.config.dbSynchronous
    const walSync = sync === 'full' && !db.$client.memory ? new WalSync(db.$client.name) : null
    db.$client.pragma(`synchronous = ${walSync || sync === 'normal' ? 'NORMAL' : sync.toUpperCase()}`)
    app.decorate('db', db)
    app.decorate('durable', walSync ? () => walSync.sync() : () => Promise.resolve())
    app.decorate('walSync', walSync)
    // Every REST write runs in a savepoint of its group commit; keep the savepoint journals in memory.
    db.$client.pragma('temp_store = MEMORY')
    // SQLite's default page cache is 2 MB; a write touches the cases table and its six indexes at random
    // places, so with a few hundred thousand cases most of those pages would be re-read on every write. An import
    // writes far more of them per commit and gets a larger cache while it runs (db/index PAGE_CACHE says why).
    setPageCache(db.$client, app.config.dbCacheMb)
    app.decorate('importCache', () => {
      setPageCache(db.$client, app.config.dbImportCacheMb)
      return () => db.$client.open && setPageCache(db.$client, app.config.dbCacheMb)
    })
    const checkpointer = startCheckpointer(db.$client, { onError: (m) => app.log.error(`WAL checkpoint: ${m}`) })
    app.addHook('onClose', async () => {
      await walSync?.close()
      await checkpointer?.stop()
      if (!opts.db) db.$client.close()
    })
  },
  { name: 'db' },
)
