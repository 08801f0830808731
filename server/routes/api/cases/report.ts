// POST /api/cases: report a case. Acknowledged (201) only once the case and its first event are committed.
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ErrorResponses, ReportBody, WriteHeaders, Nullable } from '../../../http/schemas'
import { idempotentWrite, reportAck, toReport } from '../../../http/write'

export const ReportAck = Type.Object({
  id: Type.Integer(),
  grid: Type.String({ description: 'The micro grid the point lies in' }),
  special: Nullable(Type.String()),
  state: Type.String(),
  level: Type.String(),
  light: Type.String(),
  deadline: Nullable(Type.String({ format: 'date-time' })),
  events: Type.Array(
    Type.Object({ action: Type.String(), from: Nullable(Type.String()), to: Type.String(), at: Type.String() }),
  ),
})

const schema = {
  tags: ['cases'],
  summary: 'Report a case',
  description:
    'Locates the point in its micro grid (and special grid), checks the matter, and stores the report. ' +
    'Coordinates are WGS-84 unless crs is gcj02. A replay with the same idempotency-key and body returns the first answer.',
  security: [{ apiKey: [] }],
  headers: WriteHeaders,
  body: ReportBody,
  response: { 201: ReportAck, ...ErrorResponses },
}

const report: FastifyPluginAsyncTypebox = async (app) => {
  app.post('/', { schema, onRequest: app.auth.write }, async (req, reply) =>
    idempotentWrite(
      app, req, reply,
      (opts) => app.ingest.report(toReport(req.body, req.caller), opts),
      (r) => ({ status: 201, body: reportAck(r) }),
    ),
  )
}

export default report
