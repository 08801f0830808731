// POST /api/cases/:id/actions: apply one workflow action (verify, register, dispatch, handle, …) to a case.
// An action the case's state does not allow gets 409 naming the state and the actions allowed from it.
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ActionBody, CaseParams, ErrorResponses, Nullable, WriteHeaders } from '../../../http/schemas'
import { actAck, idempotentWrite, toCommand } from '../../../http/write'

export const ActAck = Type.Object({
  id: Type.Integer(),
  state: Type.String(),
  level: Type.String(),
  light: Type.String(),
  department: Nullable(Type.String()),
  deadline: Nullable(Type.String({ format: 'date-time' })),
  event: Type.Object({ action: Type.String(), from: Nullable(Type.String()), to: Type.String(), at: Type.String() }),
})

const schema = {
  tags: ['cases'],
  summary: 'Apply a workflow action to a case',
  description:
    'register computes the deadline from the matter time limit unless data.deadline is given; dispatch sends the case ' +
    "to the matter's department unless data.department is given. warn and overdue are set by the deadline timer only.",
  security: [{ apiKey: [] }],
  headers: WriteHeaders,
  params: CaseParams,
  body: ActionBody,
  response: { 200: ActAck, ...ErrorResponses },
}

const act: FastifyPluginAsyncTypebox = async (app) => {
  app.post('/:id/actions', { schema, onRequest: app.auth.write }, async (req, reply) =>
    idempotentWrite(
      app, req, reply,
      (opts) => app.ingest.act(req.params.id, toCommand(req.body, req.caller), opts),
      (r) => ({ status: 200, body: actAck(r) }),
    ),
  )
}

export default act
