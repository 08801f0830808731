// The writer of a scaled-out deployment (ONESCREEN_ROLE=writer; nothing in one embedded process): after each
// commit the committed changes go to the Redis Stream, and /api/scale serves the live processes (checkpoint,
// catch-up, token checks). A revoked key is announced to every process, which forgets the token at once. The
// walls are conducted here: live processes forward their browsers' changes and mirror every change.
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { LIVE_NAMESPACE } from '../../shared/protocol'
import { LogPublisher, type PublisherStats } from '../scale/publisher'
import { closeRedis, redisClient } from '../scale/redis'
import { writerApi } from '../scale/writer-api'
import { KEY_REVOKED, WALL_SET, WALL_STATE } from '../scale/messages'
import type { WallChange, WallShared } from '../../shared/conductor'

declare module 'fastify' {
  interface FastifyInstance {
    /** The log stream's appends (a writer of a scaled-out deployment only). */
    logPublisher: { stats: PublisherStats } | null
  }
}

export default fp(
  async function scaleWriter(app: FastifyInstance) {
    app.decorate('logPublisher', null)
    const scale = app.config.scale
    if (scale.role !== 'writer') return
    const redis = redisClient(scale.redisUrl!, {
      failFast: true,
      onError: (err) => app.log.warn(`log stream: Redis unreachable (${err.message}); live processes catch up over HTTP`),
      onReady: () => app.log.info('log stream: Redis connected'),
    })
    const head = app.db.$client.prepare('SELECT COALESCE(MAX(id), 0) FROM case_events').pluck().get() as number
    const publisher = new LogPublisher(redis, { stream: scale.stream, maxLen: scale.streamMaxLen, onError: (err) => app.log.warn(`log stream: append failed (${err.message})`) }, head)
    redis.once('ready', () => {
      publisher
        .claim()
        .then((r) => r === 'reset' && app.log.warn(`log stream ${scale.stream} held entries past this database's log: cleared`))
        .catch((err) => app.log.warn(`log stream: cannot check ${scale.stream} (${(err as Error).message})`))
    })
    const publish = (batch: Parameters<LogPublisher['publish']>[0]) => publisher.publish(batch)
    app.ingest.on('committed', publish)
    app.logPublisher = publisher

    const nsp = app.io.of(LIVE_NAMESPACE)
    const onRevoked = (id: number) => nsp.serverSideEmit(KEY_REVOKED, id)
    app.keys.on('revoked', onRevoked)
    // The walls are held here: live processes send their browsers' changes, and mirror every change.
    const onWallSet = (name: unknown, patch: unknown) => {
      if (typeof name === 'string' && typeof patch === 'object' && patch !== null) app.walls.share(name, patch as WallShared)
    }
    const onWallChange = (name: string, change: WallChange) => nsp.serverSideEmit(WALL_STATE, name, change.state)
    nsp.on(WALL_SET, onWallSet)
    app.walls.on('change', onWallChange)

    await app.register(writerApi, {
      prefix: '/api/scale', db: app.db, engine: app.metrics, feed: app.feed, secret: scale.secret!,
      matterNames: () => Object.fromEntries([...app.catalogue.matters.values()].map((m) => [m.code, m.name])),
      viewerFor: app.viewerFor,
      walls: { profiles: app.config.walls, states: () => app.walls.all() },
    })

    app.addHook('onClose', async () => {
      app.ingest.off('committed', publish)
      app.keys.off('revoked', onRevoked)
      app.walls.off('change', onWallChange)
      nsp.off(WALL_SET, onWallSet)
      await publisher.drain()
      await closeRedis(redis)
    })
  },
  { name: 'scale-writer', dependencies: ['db', 'ingest', 'auth', 'metrics', 'live', 'socket.io', 'walls'] },
)
