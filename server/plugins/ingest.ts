// The one ingest as `app.ingest` (every write goes through it), the catalogue (`app.catalogue`) and the
// idempotency store (`app.idempotency`) it shares with the routes, and the case reader as `app.cases`.
// Old idempotency answers are forgotten after config.idempotencyTtlMs.
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { Ingest } from '../cases/ingest'
import { Catalogue } from '../cases/catalogue'
import { IdempotencyStore } from '../cases/idempotency'
import { CaseReader } from '../cases/read'

declare module 'fastify' {
  interface FastifyInstance {
    ingest: Ingest
    catalogue: Catalogue
    idempotency: IdempotencyStore
    cases: CaseReader
  }
}

const PRUNE_EVERY_MS = 3_600_000

export default fp(
  async function ingest(app: FastifyInstance) {
    const catalogue = new Catalogue(app.db)
    const idempotency = new IdempotencyStore(app.db)
    const ingest = new Ingest(app.db, app.grids, {
      calendar: app.config.calendar,
      durable: app.durable,
      catalogue,
      idempotency,
      onListenerError: (err) => app.log.error({ err }, 'a committed listener failed'),
    })
    app.decorate('ingest', ingest)
    app.decorate('catalogue', catalogue)
    app.decorate('idempotency', idempotency)
    app.decorate('cases', new CaseReader(app.db))
    let pruning = false
    const prune = setInterval(() => {
      if (pruning) return
      pruning = true
      idempotency
        .forgetBefore(Date.now() - app.config.idempotencyTtlMs)
        .then((n) => n > 0 && app.log.info(`forgot ${n} idempotency answers`))
        .catch((err) => app.log.error({ err }, 'forgetting old idempotency answers failed'))
        .finally(() => (pruning = false))
    }, PRUNE_EVERY_MS)
    prune.unref()
    app.addHook('onClose', async () => clearInterval(prune))
  },
  { name: 'ingest', dependencies: ['db', 'grids'] },
)
