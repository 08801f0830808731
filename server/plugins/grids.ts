// The grid tree and spatial index as `app.grids`, built once from the grids table.
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { GridIndex } from '../geo'

declare module 'fastify' {
  interface FastifyInstance {
    grids: GridIndex
  }
}

export default fp(
  async function grids(app: FastifyInstance) {
    const index = GridIndex.load(app.db)
    if (index.size === 0) app.log.warn('the grids table is empty: every report will be refused as outside the district')
    app.decorate('grids', index)
  },
  { name: 'grids', dependencies: ['db'] },
)
