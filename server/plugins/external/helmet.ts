// Security headers. The CSP admits the built client and nothing else: no external origin of any kind (the
// wall runs on intranets), MapLibre's workers from blob:, images and fonts inline (data:/blob:).
import helmet from '@fastify/helmet'

export const autoConfig = {
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

export default helmet
