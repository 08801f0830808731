// The live hub as `app.live`: frames of the metrics (and the ticker and alerts of what was folded in, the feed
// as `app.feed`) to the screens in the `/live` namespace, authorised by viewer tokens. Names, the recent
// items and token checks come from `app.liveSource`, so a live process of a scaled-out deployment runs this too.
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { LIVE_NAMESPACE } from '../../shared/protocol'
import type { LoggedChange } from '../metrics/engine'
import { Feed } from '../live/feed'
import { LiveHub } from '../live/hub'
import { callerCoversScope, type Caller } from './auth'

declare module 'fastify' {
  interface FastifyInstance {
    live: LiveHub
    feed: Feed
  }
}

export default fp(
  async function live(app: FastifyInstance) {
    const engine = app.metrics
    const source = app.liveSource
    const feed = new Feed(engine, source.matterName)
    source.primeFeed(feed)
    const hub = new LiveHub(app.io.of(LIVE_NAMESPACE), engine, feed, {
      tickMs: app.config.tickMs,
      frameMinMs: app.config.frameMinMs,
      coalesceMs: app.config.frameCoalesceMs,
      msPerScreen: app.config.frameMsPerScreen,
      roundGapMs: app.config.frameRoundGapMs,
      authorize: source.authorize,
      covers: (viewer, scope) => callerCoversScope(viewer as Caller, scope),
      onError: (err) => app.log.error({ err }, 'live tick failed'),
    })
    // What the metrics folded in goes to the ticker and alerts, and makes the hub frame it soon.
    const onApplied = (fresh: LoggedChange[]) => {
      feed.add(fresh)
      hub.changed()
    }
    app.metricsFollower.onApplied(onApplied)
    app.decorate('live', hub)
    app.decorate('feed', feed)
    app.addHook('onReady', async () => {
      hub.start()
    })
    app.addHook('preClose', async () => {
      hub.stop()
    })
    app.addHook('onClose', async () => app.metricsFollower.offApplied(onApplied))
  },
  { name: 'live', dependencies: ['live-source', 'metrics', 'socket.io'] },
)
