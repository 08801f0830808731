// Demo mode: once the server listens, the simulator drives cases through the HTTP API like any other client
// (`app.demo`, null when it is off); it stops first when the server closes.
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { startDemo, type Demo } from '../demo/run'

declare module 'fastify' {
  interface FastifyInstance {
    demo: Demo | null
  }
}

export default fp(
  async function demo(app: FastifyInstance) {
    app.decorate('demo', null)
    app.addHook('onListen', async () => {
      if (app.config.demo && app.config.demoSpeed > 0) app.demo = await startDemo(app)
    })
    app.addHook('preClose', async () => {
      await app.demo?.stop()
      app.demo = null
    })
  },
  { name: 'demo', dependencies: ['ingest', 'metrics', 'auth'] },
)
