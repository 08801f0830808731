// A live process's metrics (ONESCREEN_ROLE=live), as `app.metrics` like the embedded engine's: built on the
// writer's layout, started from the writer's checkpoint, then following the committed log (the Redis Stream,
// with catch-up from the writer). A start waits for the writer to answer.
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { Layout } from '../../metrics/layout'
import { MetricsEngine } from '../../metrics/engine'
import { MetricsFollower } from '../../metrics/follower'
import { restoreCheckpoint } from '../../metrics/checkpoint'
import { calendarClock } from '../../../shared/timelimit'
import { LogFollower } from '../follower'
import { WriterClient } from '../writer-client'
import { RemoteViewers } from '../viewers'
import type { StartInfo } from '../writer-api'

declare module 'fastify' {
  interface FastifyInstance {
    /** How a live process follows the writer's log (a live process only). */
    logFollower: LogFollower
    /** What the writer said when this live process started. */
    writerStart: StartInfo
    writerClient: WriterClient
    remoteViewers: RemoteViewers
  }
}

async function untilAnswered<T>(app: FastifyInstance, what: string, ask: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await ask()
    } catch (e) {
      if (attempt % 10 === 0) app.log.warn(`waiting for the writer (${what}): ${(e as Error).message}`)
      await new Promise((r) => setTimeout(r, 500))
    }
  }
}

export default fp(
  async function liveMetrics(app: FastifyInstance) {
    const scale = app.config.scale
    const t0 = performance.now()
    const writer = new WriterClient(scale.writerUrl!, scale.secret!)
    const info: StartInfo = await untilAnswered(app, 'layout', () => writer.start())
    const engine = new MetricsEngine(new Layout(info.layout), { indicators: app.config.indicators, clock: calendarClock(app.config.calendar) })
    const cp = await untilAnswered(app, 'checkpoint', () => writer.checkpoint())
    if (!restoreCheckpoint(engine, cp.blob)) throw new Error('the writer’s checkpoint does not fit the layout it sent (a writer of another version?)')
    const ms = performance.now() - t0
    app.log.info(`metrics: the writer's checkpoint at event ${engine.lastEventId} in ${ms.toFixed(0)} ms`)

    const follower = new MetricsFollower(engine, (err) => app.log.error({ err }, 'a metrics listener failed'))
    const log = new LogFollower({
      redisUrl: scale.redisUrl!, stream: scale.stream, writer, engine,
      apply: (changes) => follower.follow(changes),
      onStale: (stale) => app.live?.setStale(stale),
      log: (level, msg) => app.log[level](msg),
    })
    app.decorate('metrics', engine)
    app.decorate('metricsFollower', follower)
    app.decorate('liveStart', { from: 'checkpoint' as const, tail: 0, ms })
    app.decorate('logFollower', log)
    app.decorate('writerStart', info)
    app.decorate('writerClient', writer)
    app.decorate('remoteViewers', new RemoteViewers(writer))
    app.addHook('onReady', async () => log.start())
    app.addHook('onClose', async () => log.stop())
  },
  { name: 'metrics', dependencies: ['socket.io'] },
)
