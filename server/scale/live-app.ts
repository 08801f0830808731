// A live process (ONESCREEN_ROLE=live): no database, no ingest. It serves the built client and the screens'
// Socket.IO connections from metrics it keeps itself by following the writer's log (server/scale/plugins), with
// the same live hub, feed and frame code as one embedded process. GET /api/health says how it follows.
import Fastify, { LogController, type FastifyInstance } from 'fastify'
import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox'
import type { Config } from '../config'
import helmet from '../plugins/external/helmet'
import errors from '../plugins/errors'
import client from '../plugins/client'
import socket from '../plugins/socket'
import live from '../plugins/live'
import liveStats from '../plugins/live-stats'
import metrics from './plugins/metrics'
import liveSource from './plugins/live-source'
import revocation from './plugins/revocation'
import walls from './plugins/walls'
import { metricsDigest } from '../metrics/digest'

export function buildLiveApp(config: Config): FastifyInstance {
  const app = Fastify({
    logger: config.logLevel === 'silent' ? false : { level: config.logLevel },
    logController: new LogController({ disableRequestLogging: !config.logRequests }),
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    // A live process waits for its writer as long as it takes (it logs while it waits).
    pluginTimeout: 0,
  })
  app.setValidatorCompiler(TypeBoxValidatorCompiler)
  app.decorate('config', config)
  app.register(helmet)
  app.register(errors)
  app.register(client)
  app.register(socket)
  app.register(metrics)
  app.register(liveSource)
  app.register(live)
  app.register(liveStats)
  app.register(revocation)
  app.register(walls)
  app.register(async (api) => {
    // ?digest=1 adds a digest of every figure (see metrics/digest): what tests compare with a recompute.
    api.get('/api/health', { schema: { hide: true } }, async (req) => {
      const engine = app.metrics
      engine.setClock(Date.now())
      const digest = (req.query as { digest?: string }).digest === '1' ? metricsDigest(engine) : undefined
      return {
        ok: true, role: 'live', lastEventId: engine.lastEventId, digest, follower: app.logFollower.stats, hub: app.live.stats,
        ...app.liveStats(), memory: process.memoryUsage(), uptime: process.uptime(),
      }
    })
  })
  return app
}
