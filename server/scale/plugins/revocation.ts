// Revocation on a live process: each screen sits in its key's room, so the writer's "end this key's screens"
// (a room broadcast through the Redis Streams adapter) reaches it here; the writer's announcement of the key
// also makes this process forget the token at once and refuse it from then on.
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { watchRevocations } from '../../live/revocation'
import type { Caller } from '../../plugins/auth'
import { KEY_REVOKED } from '../messages'

export default fp(
  async function liveRevocation(app: FastifyInstance) {
    const nsp = app.live.nsp
    const revoked = new Set<number>()
    const onRevoked = (id: unknown) => {
      if (typeof id !== 'number') return
      revoked.add(id)
      app.remoteViewers.forgetKey(id)
    }
    nsp.on(KEY_REVOKED, onRevoked)
    // The writer ends the screens; this process only has to know which key each screen came with.
    const never = { on: () => undefined, off: () => undefined, isRevoked: (id: number) => revoked.has(id) }
    const stop = watchRevocations(nsp, never, (socket) => (socket.data as { viewer?: Caller }).viewer?.id ?? null)
    app.addHook('onClose', async () => {
      stop()
      nsp.off(KEY_REVOKED, onRevoked)
    })
  },
  { name: 'revocation', dependencies: ['live', 'metrics'] },
)
