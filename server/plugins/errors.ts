// The one error handler: every failure answers { statusCode, error, field?, message } (see http/problem.ts).
// 5xx are logged with the request; 4xx are the caller's business and logged at debug only.
import fp from 'fastify-plugin'
import type { FastifyError, FastifyInstance } from 'fastify'
import { toProblem } from '../http/problem'

export default fp(
  async function errors(app: FastifyInstance) {
    app.setErrorHandler((err: FastifyError, req, reply) => {
      const p = toProblem(err, { body: req.body, bodyLimit: req.routeOptions.bodyLimit ?? app.config.bodyLimit })
      if (p.statusCode >= 500) req.log.error({ err }, 'request failed')
      else req.log.debug({ err: err.message, field: p.field }, 'request refused')
      // Rate limiting sets retry-after and friends on the reply already; keep them.
      reply.code(p.statusCode).type('application/json; charset=utf-8').send(p)
    })
  },
  { name: 'errors' },
)
