// The walls on a live process: the same conductor as everywhere, relaying. Its browsers' changes go to the
// writer, which holds the walls and broadcasts each change to the wall's browsers on every process; this
// process keeps a mirror for browsers that join here, from the writer's announcements and, should one be
// lost, from asking the writer every few seconds.
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { LIVE_NAMESPACE } from '../../../shared/protocol'
import type { WallShared, WallState } from '../../../shared/conductor'
import { WallConductor } from '../../live/conductor'
import { callerCoversScope, type Caller } from '../../plugins/auth'
import { WALL_SET, WALL_STATE } from '../messages'

declare module 'fastify' {
  interface FastifyInstance {
    walls: WallConductor
  }
}

const REFRESH_MS = 5000

export default fp(
  async function liveWalls(app: FastifyInstance) {
    const nsp = app.io.of(LIVE_NAMESPACE)
    const { profiles, states } = app.writerStart.walls
    const conductor = new WallConductor(nsp, profiles, {
      idleMs: app.config.wallIdleMs,
      covers: (socket, scope) => callerCoversScope((socket.data as { viewer: Caller }).viewer, scope),
      forward: (name: string, patch: WallShared) => nsp.serverSideEmit(WALL_SET, name, patch),
    })
    const mirrorAll = (all: Record<string, WallState>) => {
      for (const [name, state] of Object.entries(all)) conductor.mirror(name, state, true)
    }
    mirrorAll(states)
    const onState = (name: unknown, state: unknown) => {
      if (typeof name === 'string' && typeof state === 'object' && state !== null) conductor.mirror(name, state as WallState)
    }
    nsp.on(WALL_STATE, onState)
    const refresh = setInterval(() => {
      if (profiles.length) app.writerClient.walls().then(mirrorAll, () => {}) // the writer away: keep the mirror
    }, REFRESH_MS)
    refresh.unref()
    app.decorate('walls', conductor)
    app.addHook('onClose', async () => {
      clearInterval(refresh)
      nsp.off(WALL_STATE, onState)
      conductor.dispose()
    })
  },
  { name: 'walls', dependencies: ['live', 'socket.io', 'metrics'] },
)
