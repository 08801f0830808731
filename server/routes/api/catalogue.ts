// GET /api/catalogue: departments and the matter catalogue (what a report's `matter` and a dispatch's
// `data.department` may name).
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ErrorResponses, Nullable } from '../../http/schemas'
import { cacheBody, sendCached, type CachedBody } from '../../http/cached'

const Department = Type.Object({ code: Type.String(), name: Type.String() })
const Matter = Type.Object({
  code: Type.String(),
  name: Type.String(),
  kind: Type.String({ description: '部件 or 事件' }),
  bigClass: Type.String(),
  bigClassName: Type.String(),
  smallClass: Type.String(),
  smallClassName: Type.String(),
  department: Type.String(),
  limitKind: Type.String({ description: 'urgent_hours | working_hours | working_days | natural_days' }),
  limitValue: Type.Number(),
  settleLevel: Type.String(),
  keywords: Type.String(),
  attributes: Nullable(Type.Array(Type.Unknown())),
})

const schema = {
  tags: ['catalogue'],
  summary: 'Departments and matters',
  querystring: Type.Object({ token: Type.Optional(Type.String()) }, { additionalProperties: false }),
  response: {
    200: Type.Object({ departments: Type.Array(Department), matters: Type.Array(Matter) }),
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
