// GET /api/snapshot: a scope's figures as they stood at a past moment (the log folded up to it), with the
// map values of its child grids; JSON, or a CSV/XLSX file for a report. The same scope rules as the live
// stream: a street's token gets its street only.
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { WINDOWS } from '../../../shared/protocol'
import { DateTime, ErrorResponses } from '../../http/schemas'
import { parseTime } from '../../http/write'
import { IngestError } from '../../cases/errors'
import { callerCoversScope } from '../../plugins/auth'
import { reportCsv, reportXlsx } from '../../replay/report'

const schema = {
  tags: ['replay'],
  summary: 'The figures of a scope as they stood at a past moment',
  description:
    'KPI counters and indicators of the scope in the window (today = that moment\'s local day), and the map values ' +
    '(received, open, overdue, closure rate, satisfaction) of its child grids. format=csv or xlsx for a file.',
  security: [{ viewerToken: [] }],
  querystring: Type.Object(
    {
      scope: Type.String({ minLength: 1, maxLength: 32, description: 'Grid code (the district code for all)' }),
      window: Type.Enum([...WINDOWS]),
      at: DateTime('The moment'),
      format: Type.Optional(Type.Enum(['json', 'csv', 'xlsx'])),
      token: Type.Optional(Type.String()),
    },
    { additionalProperties: false },
  ),
  response: { 200: Type.Unknown({ description: 'AsOfReport (JSON), or the file' }), ...ErrorResponses },
}

const snapshot: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/snapshot', { schema, onRequest: app.auth.read }, async (req, reply) => {
    const { scope, window, format = 'json' } = req.query
    const at = parseTime(req.query.at, 'at')
    if (app.metrics.layout.gridIndex(scope) < 0) throw new IngestError(400, 'scope', `scope "${scope}" is not a grid code`)
    if (!callerCoversScope(req.caller, scope)) throw new IngestError(403, 'scope', `this viewer token covers ${req.caller.scope}, not ${scope}`)
    const start = app.replay.logStart()
    if (start === null || at < start)
      throw new IngestError(422, 'at', `at ${req.query.at} is before the log begins${start === null ? ' (the log is empty)' : ` (${app.metrics.clock.iso(start)})`}`)
    if (at > Date.now()) throw new IngestError(422, 'at', `at ${req.query.at} is in the future`)
    const report = await app.replay.pool.report(scope, window, at)
    if (format === 'json') return report
    const name = `snapshot-${scope}-${window}-${report.at.slice(0, 16).replace(':', '')}`
    reply.header('content-disposition', `attachment; filename="${name}.${format}"`)
    if (format === 'csv') return reply.type('text/csv; charset=utf-8').send(reportCsv(report))
    return reply.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(await reportXlsx(report))
  })
}

export default snapshot
