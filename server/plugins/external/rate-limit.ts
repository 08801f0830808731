// Request rate limits: per credential for callers with a key or token (upstream systems push thousands of
// events a minute), per IP for anonymous callers (demo walls, the docs).
import rateLimit from '@fastify/rate-limit'
import type { FastifyInstance, FastifyRequest } from 'fastify'

/** The credential a request presents, if any (checked later by auth; here it only picks the bucket). */
export function presented(req: FastifyRequest): string | undefined {
  const h = req.headers
  const key = h['x-api-key']
  if (typeof key === 'string' && key) return key
  const auth = h.authorization
  if (typeof auth === 'string' && auth.startsWith('Bearer ')) return auth.slice(7)
  const token = (req.query as Record<string, unknown> | undefined)?.token
  return typeof token === 'string' && token ? token : undefined
}

export const autoConfig = (app: FastifyInstance) => ({
  global: true,
  timeWindow: app.config.rateLimit.windowMs,
  keyGenerator: (req: FastifyRequest) => {
    const c = presented(req)
    return c ? `k:${c}` : `ip:${req.ip}`
  },
  max: (_req: FastifyRequest, key: string) =>
    key.startsWith('k:') ? app.config.rateLimit.keyMax : app.config.rateLimit.anonymousMax,
  // The x-ratelimit-* headers go out with a 429 (and retry-after); on every successful request they would
  // be three more headers to build, for callers that are nowhere near the limit.
  addHeadersOnExceeding: { 'x-ratelimit-limit': false, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false },
})

export default rateLimit
