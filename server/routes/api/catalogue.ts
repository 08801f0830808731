// GET /api/catalogue: departments and the matter catalogue (what a report's `matter` and a dispatch's
// `data.department` may name).
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ErrorResponses } from '../../http/schemas'
import { CatalogueView } from '../../../shared/api'
import { cacheBody, sendCached, type CachedBody } from '../../http/cached'

const schema = {
  tags: ['catalogue'],
  summary: 'Departments and matters',
  querystring: Type.Object({ token: Type.Optional(Type.String()) }, { additionalProperties: false }),
  response: {
    200: CatalogueView,
    304: Type.Null({ description: 'Not modified' }),
    ...ErrorResponses,
  },
}

const catalogue: FastifyPluginAsyncTypebox = async (app) => {
  let body: CachedBody | null = null
  app.get('/catalogue', { schema, onRequest: app.auth.reference }, async (req, reply) => {
    const c = app.catalogue
    body ??= cacheBody({
      departments: [...c.departments.values()],
      matters: [...c.matters.values()].map((m) => ({ ...m, attributes: m.attributes === null ? null : JSON.parse(m.attributes) })),
    })
    return sendCached(req, reply, body)
  })
}

export default catalogue
