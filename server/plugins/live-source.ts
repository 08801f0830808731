// What the live hub takes from its surroundings, as `app.liveSource`: matter names for the ticker, the
// recent ticker and alerts a restarted wall starts with, and viewer tokens. Here (one process, or a writer)
// they come from the database; a live process of a scaled-out deployment gets them from its writer instead
// (server/scale/plugins/live-source.ts), and the hub does not know the difference.
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import type { Feed } from '../live/feed'
import type { Caller } from './auth'

export interface LiveSource {
  matterName(code: string): string
  primeFeed(feed: Feed): void
  /** The caller a handshake's token stands for; throws (or rejects) when refused. */
  authorize(token: string | undefined): Caller | Promise<Caller>
}

declare module 'fastify' {
  interface FastifyInstance {
    liveSource: LiveSource
  }
}

export default fp(
  async function liveSource(app: FastifyInstance) {
    app.decorate('liveSource', {
      matterName: (code: string) => app.catalogue.matters.get(code)?.name ?? code,
      primeFeed: (feed: Feed) => feed.prime(app.db),
      authorize: (token: string | undefined) => app.viewerFor(token),
    } satisfies LiveSource)
  },
  { name: 'live-source', dependencies: ['db', 'ingest', 'auth'] },
)
