// A revoked key's live screens are disconnected with the reason "access revoked" (see live/revocation).
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { watchRevocations } from '../live/revocation'
import type { Caller } from './auth'

export default fp(
  async function revocation(app: FastifyInstance) {
    const stop = watchRevocations(app.live.nsp, app.keys, (socket) => (socket.data as { viewer?: Caller }).viewer?.id ?? null)
    app.addHook('onClose', async () => stop())
  },
  { name: 'revocation', dependencies: ['auth', 'live'] },
)
