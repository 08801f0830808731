// The Socket.IO server on the app's HTTP server, as `app.io`, with the live parser (one websocket message per
// frame). Screens only send subscriptions: a small message limit keeps a misbehaving client from costing memory.
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { Server } from 'socket.io'
import { liveParser } from '../../shared/socket-parser'

declare module 'fastify' {
  interface FastifyInstance {
    io: Server
  }
}

export default fp(
  async function socket(app: FastifyInstance) {
    const io = new Server(app.server, {
      serveClient: false, transports: ['websocket', 'polling'], maxHttpBufferSize: 16 * 1024, parser: liveParser,
    })
    app.decorate('io', io)
    // Screens hold websockets open; the HTTP server cannot finish closing until they are gone. Closing the
    // connections (not a Socket.IO disconnect, which tells a client not to come back) lets screens reconnect
    // to the next server by themselves.
    app.addHook('preClose', async () => {
      io.engine.close()
    })
  },
  { name: 'socket.io' },
)
