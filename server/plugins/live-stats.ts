// What a screen's latency is made of beyond the hub's own figures, as `app.liveStats`: how long the event loop
// stalls (a tick, a big write, a checkpoint: frames wait that long), and how long reports take from their
// stated time to the commit (a caller's clock and queueing included), over the last 4,096 reports.
import fp from 'fastify-plugin'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import type { FastifyInstance } from 'fastify'
import type { LoggedChange } from '../metrics/engine'

const LAG_KEPT = 4096

const MINUTE_MS = 60_000

export interface LiveStats {
  eventLoopDelayMs: { p50: number; p99: number; max: number }
  /** The same over the last whole minute (a wall runs for months: the all-time figures stop moving). */
  eventLoopDelayLastMinuteMs: { p50: number; p99: number; max: number } | null
  /** What keeps the process alive, by kind (TCPWrap, Timeout, FSReqCallback…): a leak shows here first. */
  resources: Record<string, number>
  reportToCommitMs: { p50: number | null; p99: number | null; max: number | null }
}

declare module 'fastify' {
  interface FastifyInstance {
    liveStats: () => LiveStats
  }
}

export default fp(
  async function liveStats(app: FastifyInstance) {
    const commitLag = new Float64Array(LAG_KEPT)
    let lagCount = 0
    const onApplied = (fresh: LoggedChange[]) => {
      const now = Date.now()
      for (const c of fresh) if (c.event.action === 'report') commitLag[lagCount++ % LAG_KEPT] = now - c.event.at
    }
    app.metricsFollower.onApplied(onApplied)
    const loopDelay = monitorEventLoopDelay({ resolution: 10 })
    loopDelay.enable()
    const minuteDelay = monitorEventLoopDelay({ resolution: 10 })
    minuteDelay.enable()
    const ms = (h: typeof loopDelay) => ({ p50: h.percentile(50) / 1e6, p99: h.percentile(99) / 1e6, max: h.max / 1e6 })
    let lastMinute: LiveStats['eventLoopDelayLastMinuteMs'] = null
    const minute = setInterval(() => {
      lastMinute = ms(minuteDelay)
      minuteDelay.reset()
    }, MINUTE_MS)
    minute.unref()

    app.decorate('liveStats', (): LiveStats => {
      const xs = commitLag.slice(0, Math.min(lagCount, LAG_KEPT)).sort()
      const at = (p: number) => (xs.length ? xs[Math.min(xs.length - 1, Math.floor(p * xs.length))] : null)
      return {
        eventLoopDelayMs: ms(loopDelay),
        eventLoopDelayLastMinuteMs: lastMinute,
        resources: process.getActiveResourcesInfo().reduce<Record<string, number>>((n, r) => ((n[r] = (n[r] ?? 0) + 1), n), {}),
        reportToCommitMs: { p50: at(0.5), p99: at(0.99), max: xs.length ? xs[xs.length - 1] : null },
      }
    })
    app.addHook('onClose', async () => {
      loopDelay.disable()
      minuteDelay.disable()
      clearInterval(minute)
      app.metricsFollower.offApplied(onApplied)
    })
  },
  { name: 'live-stats', dependencies: ['metrics'] },
)
