// The wall conductor as `app.walls`, on the /live namespace next to the live hub (server/live/conductor.ts).
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { LIVE_NAMESPACE } from '../../shared/protocol'
import { WallConductor } from '../live/conductor'
import { callerCoversScope, type Caller } from './auth'

declare module 'fastify' {
  interface FastifyInstance {
    walls: WallConductor
  }
}

export default fp(
  async function walls(app: FastifyInstance) {
    const conductor = new WallConductor(app.io.of(LIVE_NAMESPACE), app.config.walls, {
      idleMs: app.config.wallIdleMs,
      firstVersion: app.config.scale.role === 'writer' ? Date.now() : 0,
      covers: (socket, scope) => callerCoversScope((socket.data as { viewer: Caller }).viewer, scope),
    })
    app.decorate('walls', conductor)
    app.addHook('onClose', async () => conductor.dispose())
  },
  { name: 'walls', dependencies: ['live', 'socket.io'] },
)
