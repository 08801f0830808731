// Replay as `app.replay`: the pool of replay workers (as-of reports, timelines, sessions, the saved
// states), and the `replay` command on the live namespace. The saved midnights are built in the background
// after the start and kept up to date hourly; an event dated before a saved midnight (an import of past
// orders) sends them back to be built again from there.
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import type { Socket } from 'socket.io'
import type { Committed } from '../cases/types'
import { ReplayPool } from '../replay/pool'
import { ReplayScreens } from '../replay/screens'
import { logStart } from '../replay/states'
import { callerCoversScope, type Caller } from './auth'

declare module 'fastify' {
  interface FastifyInstance {
    replay: {
      pool: ReplayPool
      screens: ReplayScreens
      /** The first moment of the log (ms), or null for an empty log. */
      logStart(): number | null
    }
  }
}

const HOUR_MS = 3_600_000
/** Quiet time after the last late-dated event before the dropped midnights are built again. */
const REBUILD_AFTER_MS = 5_000

export default fp(
  async function replay(app: FastifyInstance) {
    const sql = app.db.$client
    const pool = new ReplayPool({
      dbFile: sql.memory ? null : sql.name, sql, indicators: app.config.indicators,
      utcOffsetMinutes: app.metrics.clock.offsetMinutes, maxSessions: app.config.replayMaxSessions,
      onError: (err) => app.log.error({ err }, 'replay worker failed'),
      onBuilt: (m) =>
        m.error
          ? app.log.error(`replay: saving midnights failed: ${m.error}`)
          : m.days > 0 && app.log.info(`replay: saved ${m.days} midnights (${(m.bytes / 1048576).toFixed(1)} MB) in ${(m.ms / 1000).toFixed(1)} s`),
    })
    const first = sql.prepare('SELECT MIN(at) FROM case_events').pluck()
    const start = () => (first.get() as number | null) ?? null
    const screens = new ReplayScreens(app.live.nsp, pool, app.live, {
      covers: (socket: Socket, scope) => {
        const viewer = (socket.data as { viewer?: Caller }).viewer
        return viewer !== undefined && callerCoversScope(viewer, scope)
      },
      logStart: () => start() ?? Date.now(),
      wallOf: (socket) => app.walls.wallOf(socket),
      wallMembers: (wall) => app.walls.members(wall),
    })
    app.decorate('replay', { pool, screens, logStart: start })

    // An event dated before the last saved midnight: those after it must be built again. They are dropped
    // within a second (a seek never starts from one that misses an event), and built again once no such event
    // has come for REBUILD_AFTER_MS: an import of past orders sends them for minutes, and building the year's
    // midnights again after every second of it would only take a core from the import.
    let stale: number | null = null
    let lastStale = 0
    let rebuild = false
    const onCommitted = (batch: Committed[]) => {
      const clock = app.metrics.clock
      const settled = clock.dayOf(Date.now() - HOUR_MS)
      for (const c of batch) if (clock.dayOf(c.event.at) < settled && (stale === null || c.event.at < stale)) stale = c.event.at
    }
    app.ingest.on('committed', onCommitted)
    const flush = setInterval(() => {
      const now = Date.now()
      if (stale !== null) {
        pool.invalidate(stale)
        stale = null
        lastStale = now
        rebuild = true
      } else if (rebuild && now - lastStale >= REBUILD_AFTER_MS) {
        rebuild = false
        pool.build()
      }
    }, 1000)
    const hourly = setInterval(() => pool.build(), HOUR_MS)
    flush.unref()
    hourly.unref()

    app.addHook('onReady', async () => {
      pool.build()
      pool.warm()
    })
    app.addHook('preClose', async () => {
      await screens.close()
    })
    app.addHook('onClose', async () => {
      clearInterval(flush)
      clearInterval(hourly)
      app.ingest.off('committed', onCommitted)
      await pool.close()
    })
  },
  { name: 'replay', dependencies: ['db', 'ingest', 'auth', 'live', 'walls'] },
)
