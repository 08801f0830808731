// GET tokens/{token}.{fmt}: the service_request_id behind a token. Every service here is realtime, so a POST
// answers with the id itself and never issues a token; a client that sent an idempotency-key with its POST
// may use that key as a token to find its request again (e.g. after a timeout lost the answer).
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { list } from '../../../open311/format'
import { notFound } from '../../../open311/errors'
import { formatOf, send } from '../../../open311/reply'
import { RequestStore } from '../../../open311/store'
import { Format, Jurisdiction } from './schemas'
import { tokenKey } from './requests'

const tokens: FastifyPluginAsyncTypebox = async (app) => {
  const store = new RequestStore(app.db)
  app.get('/tokens/:token.:format', {
    schema: {
      tags: ['open311'],
      summary: 'Open311 service_request_id from a token (the idempotency-key of a POST)',
      params: Type.Object({ token: Type.String({ minLength: 1, maxLength: 200 }), format: Format }),
      querystring: Type.Object(Jurisdiction),
    },
  }, async (req, reply) => {
    const { token } = req.params
    const answer = store.answerFor(tokenKey(token))
    if (answer === undefined) throw notFound(`token "${token}" was not found`)
    const { service_request_id } = JSON.parse(answer) as { service_request_id: string }
    return send(reply, formatOf(req), 'service_requests', list('request', [{ service_request_id, token }]))
  })
}

export default tokens
