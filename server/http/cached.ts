// Big bodies that rarely change (grid geometry, the catalogue): serialized once, gzipped once, sent with an
// ETag so a screen revalidates with a 304 instead of downloading them again.
import { createHash } from 'node:crypto'
import { gzipSync } from 'node:zlib'
import type { FastifyReply, FastifyRequest } from 'fastify'

export interface CachedBody {
  json: string
  gzip: Buffer
  etag: string
}

export function cacheBody(body: unknown): CachedBody {
  const json = JSON.stringify(body)
  return { json, gzip: gzipSync(json), etag: `"${createHash('sha1').update(json).digest('base64url')}"` }
}

export function sendCached(req: FastifyRequest, reply: FastifyReply, body: CachedBody): FastifyReply {
  reply.header('etag', body.etag).header('cache-control', 'no-cache').header('vary', 'accept-encoding')
  if (req.headers['if-none-match'] === body.etag) return reply.code(304).send(null)
  reply.type('application/json; charset=utf-8')
  if (/\bgzip\b/.test(req.headers['accept-encoding'] ?? '')) return reply.header('content-encoding', 'gzip').send(body.gzip)
  return reply.send(body.json)
}
