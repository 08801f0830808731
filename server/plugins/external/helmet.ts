// Security headers from helmet. The CSP admits the built client and nothing else: no external origin of any
// kind (the wall runs on intranets), MapLibre's workers from blob:, images and fonts inline (data:/blob:).
//
// The headers never vary by request, so they are computed once here and set by one synchronous hook:
// @fastify/helmet builds the helmet middleware anew (and re-parses the CSP) for every request, about 25 µs
// of CPU each, which the ingest's request budget cannot spare.
import fp from 'fastify-plugin'
import helmet, { type HelmetOptions } from 'helmet'
import type { FastifyInstance } from 'fastify'

export const HELMET_OPTIONS: HelmetOptions = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      baseUri: ["'self'"],
      scriptSrc: ["'self'"],
      // Chart and map libraries set inline style attributes; inline styles cannot run code.
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:', 'blob:'],
      fontSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      workerSrc: ["'self'", 'blob:'],
      childSrc: ["'self'", 'blob:'],
      objectSrc: ["'none'"],
      frameAncestors: ["'self'"],
      formAction: ["'self'"],
      scriptSrcAttr: ["'none'"],
    },
  },
  // Walls are often served over plain HTTP on an intranet: never push them to https.
  strictTransportSecurity: false,
}

/** The headers helmet sets for these options, as a plain object. */
export function securityHeaders(options: HelmetOptions = HELMET_OPTIONS): Record<string, string> {
  const headers: Record<string, string> = {}
  const res = {
    setHeader: (name: string, value: unknown) => void (headers[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => void delete headers[name.toLowerCase()],
  }
  helmet(options)({} as never, res as never, () => {})
  return headers
}

export default fp(
  async function security(app: FastifyInstance) {
    const headers = Object.entries(securityHeaders())
    app.addHook('onRequest', (_req, reply, done) => {
      for (const [name, value] of headers) reply.raw.setHeader(name, value)
      done()
    })
  },
  { name: 'security-headers' },
)
