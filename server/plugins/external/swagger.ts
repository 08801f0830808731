// OpenAPI from the routes' TypeBox schemas, with the UI at /docs (served locally: no CDN).
import fp from 'fastify-plugin'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'

export default fp(
  async function docs(app: FastifyInstance) {
    await app.register(swagger, {
      openapi: {
        info: {
          title: 'OneScreen API',
          description:
            'Case ingest and reads for the OneScreen command-center wall. Writes need `x-api-key` and `idempotency-key`; ' +
            'reads need a viewer token (`authorization: Bearer …` or `?token=`) unless the server runs in demo mode. ' +
            'Every 4xx answer is `{ statusCode, error, field?, message }`.',
          version: '1.0.0',
        },
        components: {
          securitySchemes: {
            apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' },
            viewerToken: { type: 'http', scheme: 'bearer' },
          },
        },
      },
    })
    await app.register(swaggerUi, { routePrefix: '/docs' })
  },
  { name: 'swagger' },
)
