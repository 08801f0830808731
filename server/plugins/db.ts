// The database as `app.db`: opened (and migrated) from config.dbFile, or handed in by a test or the server's
// main, which then owns closing it.
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { openDb, type Db } from '../db'

declare module 'fastify' {
  interface FastifyInstance {
    db: Db
  }
}

export default fp(
  async function db(app: FastifyInstance, opts: { db?: Db }) {
    const db = opts.db ?? openDb(app.config.dbFile)
    app.decorate('db', db)
    if (!opts.db) app.addHook('onClose', async () => db.$client.close())
  },
  { name: 'db' },
)
