// The database as `app.db`: opened (and migrated) from config.dbFile, or handed in by a test or the server's
// main, which then owns closing it. WAL checkpoints run in a worker thread so no request waits on fsync.
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { openDb, type Db } from '../db'
import { startCheckpointer } from '../db/checkpointer'

declare module 'fastify' {
  interface FastifyInstance {
    db: Db
  }
}

export default fp(
  async function db(app: FastifyInstance, opts: { db?: Db }) {
    const db = opts.db ?? openDb(app.config.dbFile)
    app.decorate('db', db)
    // Every REST write runs in a savepoint of its group commit; keep the savepoint journals in memory.
    db.$client.pragma('temp_store = MEMORY')
    // SQLite's default page cache is 2 MB; a write touches the cases table and its six indexes at random
    // places, so with a few hundred thousand cases most of those pages would be re-read on every write.
    db.$client.pragma(`cache_size = -${app.config.dbCacheMb * 1024}`)
    const checkpointer = startCheckpointer(db.$client, { onError: (m) => app.log.error(`WAL checkpoint: ${m}`) })
    app.addHook('onClose', async () => {
      await checkpointer?.stop()
      if (!opts.db) db.$client.close()
    })
  },
  { name: 'db' },
)
