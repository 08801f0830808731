// GET /api/live: how the live pipeline is doing: how the metrics started, the hub's frames, memory, event-loop
// delay, report→commit lag, and the demo simulator. Outside demo mode it needs an operator key.
import type { FastifyPluginAsync } from 'fastify'

const live: FastifyPluginAsync = async (app) => {
  app.get(
    '/live',
    {
      config: { rateLimit: false },
      schema: { tags: ['system'], summary: 'Live metrics and streaming status (start, frames, demo); an operator token unless in demo mode' },
      onRequest: app.auth.operator,
    },
    async () => {
      const demo = app.demo
      return {
        start: app.liveStart, lastEventId: app.metrics.lastEventId, hub: app.live.stats, memory: process.memoryUsage(),
        ...app.liveStats(),
        demo: demo ? { ...demo.simulator.stats, pending: demo.simulator.pending, lastError: demo.simulator.lastError ? String(demo.simulator.lastError) : null } : null,
      }
    },
  )
}

export default live
