// The deadline timer: open registered cases turn yellow and red at the moment they cross, through the ingest
// as system actions. All open cases are scheduled when the server is ready; timers stop on close.
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { CaseTimers } from '../cases/timers'

declare module 'fastify' {
  interface FastifyInstance {
    deadlines: CaseTimers
  }
}

export default fp(
  async function deadlines(app: FastifyInstance) {
    const timers = new CaseTimers(app.db, app.ingest, app.catalogue, app.config.calendar, {}, (msg, err) => app.log.error({ err }, msg))
    app.decorate('deadlines', timers)
    app.addHook('onReady', async () => {
      const n = timers.start()
      app.log.info(`deadline timer: ${n} open cases scheduled`)
    })
    app.addHook('onClose', async () => timers.stop())
  },
  { name: 'deadlines', dependencies: ['ingest'] },
)
