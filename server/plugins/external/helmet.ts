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

/**
 * JSON API answers are never rendered as pages: they get the few headers that matter for an API (OWASP REST
 * guidance): no sniffing, no framing, nothing loaded, no referrer. Pages and assets get helmet's full set.
 */
export const API_HEADERS: Record<string, string> = {
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
}

export default fp(
  async function security(app: FastifyInstance) {
    const page = Object.entries(securityHeaders())
    const api = Object.entries(API_HEADERS)
    // Set on the reply, not on the raw response: Node then writes the answer's headers from one object as they
    // are (writeHead's fast path) instead of storing each, lower-cased, and merging them with the reply's.
    app.addHook('onRequest', (req, reply, done) => {
      const headers = req.url.startsWith('/api/') ? api : page
      for (const [name, value] of headers) reply.header(name, value)
      done()
    })
  },
  { name: 'security-headers' },
)
