// The one ingest as `app.ingest` (every write goes through it) and the case reader as `app.cases`.
// Old idempotency answers are forgotten after config.idempotencyTtlMs.
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { Ingest } from '../cases/ingest'
import { CaseReader } from '../cases/read'

declare module 'fastify' {
  interface FastifyInstance {
    ingest: Ingest
    cases: CaseReader
  }
}

const PRUNE_EVERY_MS = 3_600_000

export default fp(
  async function ingest(app: FastifyInstance) {
    const ingest = new Ingest(app.db, app.grids, {
      calendar: app.config.calendar,
      onListenerError: (err) => app.log.error({ err }, 'a committed listener failed'),
    })
    app.decorate('ingest', ingest)
    app.decorate('cases', new CaseReader(app.db))
    const prune = setInterval(() => {
      const n = ingest.idempotency.forgetBefore(Date.now() - app.config.idempotencyTtlMs)
      if (n > 0) app.log.info(`forgot ${n} idempotency answers`)
    }, PRUNE_EVERY_MS)
    prune.unref()
    app.addHook('onClose', async () => clearInterval(prune))
  },
  { name: 'ingest', dependencies: ['db', 'grids'] },
)
