// What the live hub takes from its surroundings, on a live process: matter names and the recent ticker from
// what the writer said at start, viewer tokens checked by the writer.
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'

export default fp(
  async function liveSource(app: FastifyInstance) {
    const names = new Map(Object.entries(app.writerStart.matterNames))
    app.decorate('liveSource', {
      matterName: (code: string) => names.get(code) ?? code,
      primeFeed: (feed) => feed.seed(app.writerStart.recent),
      authorize: (token) => app.remoteViewers.authorize(token),
    })
  },
  { name: 'live-source', dependencies: ['metrics'] },
)
