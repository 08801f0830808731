// GET /api/viewer: what the presented viewer token may see (its grid subtree), so a screen opened with
// ?token= starts at that subtree instead of asking for the district and being refused.
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ErrorResponses } from '../../http/schemas'

const schema = {
  tags: ['system'],
  summary: 'The grid subtree the caller may see',
  security: [{ viewerToken: [] }],
  querystring: Type.Object({ token: Type.Optional(Type.String()) }, { additionalProperties: false }),
  response: {
    200: Type.Object({ scope: Type.String({ description: 'Grid code; the district code for all' }), role: Type.String() }),
    ...ErrorResponses,
  },
}

const viewer: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/viewer', { schema, onRequest: app.auth.read }, async (req) => ({ scope: req.caller.scope, role: req.caller.role }))
}

export default viewer
