// GET /api/grids?level=N: one level of grids as TopoJSON (object `grids`); GET /api/grids: every level
// (objects district, l1…l4, special). Built once per level from the grids table and kept in memory
// (http/cached.ts: gzipped, with an ETag).
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { GridRow } from '../../geo'
import { gridTopology } from '../../geo/topo'
import { ErrorResponses } from '../../http/schemas'
import { cacheBody, sendCached, type CachedBody } from '../../http/cached'

const schema = {
  tags: ['grids'],
  summary: 'Grid geometry as TopoJSON',
  description:
    'Properties of every grid: { code, name, level, parent, kind?, i } where i is the stable grid index used by live frames. ' +
    'Level 0 is the district, 1–4 the ordinary levels (4 = micro grids), 5 the special grids.',
  querystring: Type.Object(
    { level: Type.Optional(Type.Integer({ minimum: 0, maximum: 5 })), token: Type.Optional(Type.String()) },
    { additionalProperties: false },
  ),
  response: { 200: Type.Unknown({ description: 'TopoJSON Topology' }), 304: Type.Null({ description: 'Not modified' }), ...ErrorResponses },
}

const grids: FastifyPluginAsyncTypebox = async (app) => {
  const cache = new Map<string, CachedBody>()
  const build = (level: number | undefined) => {
    const rows = app.db.$client.prepare('SELECT code, name, level, parent, kind, geometry FROM grids').all() as GridRow[]
    return cacheBody(gridTopology(rows, app.grids, level))
  }

  // Geometry is public in demo mode; otherwise any viewer token may load the map.
  app.get('/grids', { schema, onRequest: app.auth.read }, async (req, reply) => {
    const key = String(req.query.level ?? 'all')
    let entry = cache.get(key)
    if (!entry) cache.set(key, (entry = build(req.query.level)))
    return sendCached(req, reply, entry)
  })
}

export default grids
