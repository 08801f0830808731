// Live metrics and streaming as `app.metrics` and `app.live`: the metrics engine starts from its checkpoint
// (plus the log's tail) or a full rebuild, follows the ingest's committed changes, and the hub streams frames
// over Socket.IO on the same HTTP server. In demo mode the simulator drives cases through the HTTP API once
// the server listens. Checkpoints are written periodically and on close.
import fp from 'fastify-plugin'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import type { FastifyInstance } from 'fastify'
import { Server } from 'socket.io'
import { LIVE_NAMESPACE } from '../../shared/protocol'
import { liveParser } from '../../shared/socket-parser'
import { calendarClock } from '../../shared/timelimit'
import type { Committed } from '../cases/ingest'
import { Layout } from '../metrics/layout'
import { MetricsEngine } from '../metrics/engine'
import { saveCheckpoint, saveCheckpointSync, startMetrics, type StartStats } from '../metrics/checkpoint'
import { Feed } from '../live/feed'
import { LiveHub } from '../live/hub'
import { callerCoversScope, type Caller } from './auth'
import { startDemo, type Demo } from '../demo/run'

declare module 'fastify' {
  interface FastifyInstance {
    metrics: MetricsEngine
    live: LiveHub
    liveStart: StartStats
  }
}

/** How often the metrics checkpoint is refreshed when the log has moved. */
const CHECKPOINT_EVERY_MS = 10 * 60_000

export default fp(
  async function live(app: FastifyInstance) {
    const engine = new MetricsEngine(Layout.fromDb(app.db), { indicators: app.config.indicators, clock: calendarClock(app.config.calendar) })
    const started = startMetrics(app.db, engine)
    app.log.info(
      `metrics: ${started.from === 'checkpoint' ? `checkpoint + ${started.tail} tail events` : `rebuilt from ${started.events} events`} in ${started.ms.toFixed(0)} ms`,
    )
    const feed = new Feed(engine, (code) => app.ingest.catalogue.matters.get(code)?.name ?? code)
    feed.prime(app.db)
    // How long reports take from their stated time to the commit (a caller's clock and queueing included): the
    // part of a screen's latency that is spent before the live pipeline sees the event. The last 4,096.
    const commitLag = new Float64Array(4096)
    let lagCount = 0
    const onCommitted = (batch: Committed[]) => {
      // A change already folded in (the tail replay can overlap the first live writes) is not news.
      const fresh = batch.filter((c) => c.id > engine.lastEventId)
      engine.apply(fresh)
      feed.add(fresh)
      const now = Date.now()
      for (const c of fresh) if (c.event.action === 'report') commitLag[lagCount++ % commitLag.length] = now - c.event.at
    }
    const lagPercentiles = () => {
      const xs = commitLag.slice(0, Math.min(lagCount, commitLag.length)).sort()
      const at = (p: number) => (xs.length ? xs[Math.min(xs.length - 1, Math.floor(p * xs.length))] : null)
      return { p50: at(0.5), p99: at(0.99), max: xs.length ? xs[xs.length - 1] : null }
    }
    app.ingest.on('committed', onCommitted)

    // Screens only send subscriptions: a small message limit keeps a misbehaving client from costing memory.
    const io = new Server(app.server, {
      serveClient: false, transports: ['websocket', 'polling'], maxHttpBufferSize: 16 * 1024, parser: liveParser,
    })
    const hub = new LiveHub(io.of(LIVE_NAMESPACE), engine, feed, {
      tickMs: app.config.tickMs,
      authorize: (token) => app.viewerFor(token),
      covers: (viewer, scope) => callerCoversScope(viewer as Caller, scope),
      onError: (err) => app.log.error({ err }, 'live tick failed'),
    })
    app.decorate('metrics', engine)
    app.decorate('live', hub)
    app.decorate('liveStart', started)

    let saving: Promise<unknown> | null = null
    let savedAt = started.from === 'checkpoint' && started.tail === 0 ? engine.lastEventId : -1
    const checkpoint = () => {
      if (saving || engine.lastEventId === savedAt) return
      const id = engine.lastEventId
      saving = saveCheckpoint(app.db, engine)
        .then((bytes) => {
          savedAt = id
          app.log.debug(`metrics checkpoint at event ${id}: ${bytes} bytes`)
        })
        .catch((err) => app.log.error({ err }, 'metrics checkpoint failed'))
        .finally(() => (saving = null))
    }
    const timer = setInterval(checkpoint, CHECKPOINT_EVERY_MS)
    timer.unref()
    // A start that had to rebuild writes a checkpoint at once, so the next start is fast.
    if (savedAt < 0) checkpoint()

    // How long the event loop stalls (a tick, a big write, a checkpoint of the database): frames wait that long.
    const loopDelay = monitorEventLoopDelay({ resolution: 10 })
    loopDelay.enable()

    let demo: Demo | null = null
    app.addHook('onReady', async () => hub.start())
    app.addHook('onListen', async () => {
      if (app.config.demo && app.config.demoSpeed > 0) demo = await startDemo(app)
    })
    app.addHook('preClose', async () => {
      await demo?.stop()
      hub.stop()
      // Screens hold websockets open; the HTTP server cannot finish closing until they are gone. Closing the
      // connections (not a Socket.IO disconnect, which tells a client not to come back) lets screens reconnect
      // to the next server by themselves.
      io.engine.close()
    })
    app.addHook('onClose', async () => {
      loopDelay.disable()
      clearInterval(timer)
      app.ingest.off('committed', onCommitted)
      await saving
      if (app.db.$client.open && engine.lastEventId !== savedAt) saveCheckpointSync(app.db, engine)
    })

    app.get(
      '/api/live',
      {
        config: { rateLimit: false },
        schema: { tags: ['system'], summary: 'Live metrics and streaming status (start, frames, demo); an operator token unless in demo mode' },
        onRequest: app.auth.operator,
      },
      async () => ({
        start: started, lastEventId: engine.lastEventId, hub: hub.stats, memory: process.memoryUsage(),
        eventLoopDelayMs: { p50: loopDelay.percentile(50) / 1e6, p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 },
        reportToCommitMs: lagPercentiles(),
        demo: demo ? { ...demo.simulator.stats, pending: demo.simulator.pending, lastError: demo.simulator.lastError ? String(demo.simulator.lastError) : null } : null,
      }),
    )
  },
  { name: 'live', dependencies: ['db', 'ingest', 'auth'] },
)
