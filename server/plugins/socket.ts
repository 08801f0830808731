// The Socket.IO server on the app's HTTP server, as `app.io`, with the live parser (one websocket message per
// frame). Screens only send subscriptions: a small message limit keeps a misbehaving client from costing memory.
// In a scaled-out deployment every process's server shares rooms through the Redis Streams adapter: a room
// broadcast (a wall's browsers, a revoked key's screens) reaches the room on every process, while frames are
// sent locally (each process builds its own).
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { Server } from 'socket.io'
import { createAdapter } from '@socket.io/redis-streams-adapter'
import { liveParser } from '../../shared/socket-parser'
import { closeRedis, redisClient } from '../scale/redis'

declare module 'fastify' {
  interface FastifyInstance {
    io: Server
  }
}

export default fp(
  async function socket(app: FastifyInstance) {
    const scale = app.config.scale
    const redis = scale.role === 'embedded' ? null : redisClient(scale.redisUrl!, {
      onError: (err) => app.log.warn(`socket.io adapter: Redis unreachable (${err.message})`),
    })
    const io = new Server(app.server, {
      serveClient: false, transports: ['websocket', 'polling'], maxHttpBufferSize: 16 * 1024, parser: liveParser,
      ...(redis ? { adapter: createAdapter(redis, { streamName: `${scale.stream}:socket.io` }) } : {}),
    })
    app.decorate('io', io)
    if (redis)
      app.addHook('onClose', async () => {
        // Closing the namespaces' adapters stops the adapter's own reading connection.
        for (const nsp of io._nsps.values()) nsp.adapter.close()
        await closeRedis(redis)
      })
    // Screens hold websockets open; the HTTP server cannot finish closing until they are gone. Closing the
    // connections (not a Socket.IO disconnect, which tells a client not to come back) lets screens reconnect
    // to the next server by themselves.
    app.addHook('preClose', async () => {
      io.engine.close()
    })
  },
  { name: 'socket.io' },
)
