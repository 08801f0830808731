// GET /api/grids?level=N: one level of grids as TopoJSON (object `grids`); GET /api/grids: every level
// (objects district, l1…l4, special). Built once per level from the grids table and kept in memory,
// gzipped, with an ETag: the wall loads it once and revalidates cheaply.
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { createHash } from 'node:crypto'
import { gzipSync } from 'node:zlib'
import type { GridRow } from '../../geo'
import { gridTopology } from '../../geo/topo'
import { ErrorResponses } from '../../http/schemas'

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

interface Cached {
  json: string
  gzip: Buffer
  etag: string
}

const grids: FastifyPluginAsyncTypebox = async (app) => {
  const cache = new Map<string, Cached>()
  const build = (level: number | undefined): Cached => {
    const rows = app.db.$client.prepare('SELECT code, name, level, parent, kind, geometry FROM grids').all() as GridRow[]
    const json = JSON.stringify(gridTopology(rows, app.grids, level))
    return { json, gzip: gzipSync(json), etag: `"${createHash('sha1').update(json).digest('base64url')}"` }
  }

  // Geometry is public in demo mode; otherwise any viewer token may load the map.
  app.get('/grids', { schema, onRequest: app.auth.read }, async (req, reply) => {
    const key = String(req.query.level ?? 'all')
    let entry = cache.get(key)
    if (!entry) cache.set(key, (entry = build(req.query.level)))
    reply.header('etag', entry.etag).header('cache-control', 'no-cache').header('vary', 'accept-encoding')
    if (req.headers['if-none-match'] === entry.etag) return reply.code(304).send(null)
    reply.type('application/json; charset=utf-8')
    if (/\bgzip\b/.test(req.headers['accept-encoding'] ?? '')) return reply.header('content-encoding', 'gzip').send(entry.gzip)
    return reply.send(entry.json)
  })
}

export default grids
