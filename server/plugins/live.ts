// The live hub as `app.live`: frames of the metrics (and the ticker and alerts of what was folded in) to the
// screens in the `/live` namespace, authorised by viewer tokens.
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { LIVE_NAMESPACE } from '../../shared/protocol'
import type { Committed } from '../cases/types'
import { Feed } from '../live/feed'
import { LiveHub } from '../live/hub'
import { callerCoversScope, type Caller } from './auth'

declare module 'fastify' {
  interface FastifyInstance {
    live: LiveHub
  }
}

export default fp(
  async function live(app: FastifyInstance) {
    const engine = app.metrics
    const feed = new Feed(engine, (code) => app.catalogue.matters.get(code)?.name ?? code)
    feed.prime(app.db)
    const onApplied = (fresh: Committed[]) => feed.add(fresh)
    app.metricsFollower.onApplied(onApplied)
    const hub = new LiveHub(app.io.of(LIVE_NAMESPACE), engine, feed, {
      tickMs: app.config.tickMs,
      authorize: (token) => app.viewerFor(token),
      covers: (viewer, scope) => callerCoversScope(viewer as Caller, scope),
      onError: (err) => app.log.error({ err }, 'live tick failed'),
    })
    app.decorate('live', hub)
    app.addHook('onReady', async () => {
      hub.start()
    })
    app.addHook('preClose', async () => {
      hub.stop()
    })
    app.addHook('onClose', async () => app.metricsFollower.offApplied(onApplied))
  },
  { name: 'live', dependencies: ['db', 'ingest', 'auth', 'metrics', 'socket.io'] },
)
