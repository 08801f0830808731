// The metrics engine as `app.metrics`: it starts from its checkpoint (plus the log's tail) or a full rebuild,
// then follows the ingest's committed changes (`app.metricsFollower`, which hands the fresh ones on).
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { Layout } from '../metrics/layout'
import { MetricsEngine } from '../metrics/engine'
import { MetricsFollower } from '../metrics/follower'
import { startMetrics, type StartStats } from '../metrics/checkpoint'
import { calendarClock } from '../../shared/timelimit'

declare module 'fastify' {
  interface FastifyInstance {
    metrics: MetricsEngine
    metricsFollower: MetricsFollower
    /** How the engine started: from a checkpoint and its tail, or rebuilt from the whole log. */
    liveStart: StartStats
  }
}

export default fp(
  async function metrics(app: FastifyInstance) {
    const engine = new MetricsEngine(Layout.fromDb(app.db), { indicators: app.config.indicators, clock: calendarClock(app.config.calendar) })
    const started = startMetrics(app.db, engine)
    app.log.info(
      `metrics: ${started.from === 'checkpoint' ? `checkpoint + ${started.tail} tail events` : `rebuilt from ${started.events} events`} in ${started.ms.toFixed(0)} ms`,
    )
    const follower = new MetricsFollower(engine, (err) => app.log.error({ err }, 'a metrics listener failed'))
    app.ingest.on('committed', follower.follow)
    app.decorate('metrics', engine)
    app.decorate('metricsFollower', follower)
    app.decorate('liveStart', started)
    app.addHook('onClose', async () => void app.ingest.off('committed', follower.follow))
  },
  { name: 'metrics', dependencies: ['db', 'ingest'] },
)
