// GET /api/indicators: every indicator of a grid and window with the numerator and denominator the server
// computed it from, with the server's configured formulas (ONESCREEN_SATISFACTION_K, the extension-rate
// denominator). A wall's "where does this number come from" reads these instead of recomputing them with
// defaults of its own.
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ErrorResponses, GridCode } from '../../http/schemas'
import { IngestError } from '../../cases/errors'
import { callerCoversScope } from '../../plugins/auth'
import { IndicatorTermsView } from '../../../shared/api'
import { indicators, INDICATORS, terms } from '../../../shared/indicators'
import { WINDOWS } from '../../../shared/protocol'

const schema = {
  tags: ['system'],
  summary: 'Indicators of a grid with their numerators and denominators',
  security: [{ viewerToken: [] }],
  querystring: Type.Object(
    {
      grid: Type.Optional(GridCode("Any grid node; defaults to the caller's scope")),
      window: Type.Optional(Type.Enum([...WINDOWS], { default: 'today' })),
      token: Type.Optional(Type.String()),
    },
    { additionalProperties: false },
  ),
  response: { 200: IndicatorTermsView, ...ErrorResponses },
}

const route: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/indicators', { schema, onRequest: app.auth.read }, async (req) => {
    const grid = req.query.grid ?? req.caller.scope
    const window = req.query.window ?? 'today'
    if (!callerCoversScope(req.caller, grid)) throw new IngestError(403, 'grid', `grid ${grid} is outside this token's scope (${req.caller.scope})`)
    const engine = app.metrics
    const row = engine.layout.gridIndex(grid)
    if (row < 0) throw new IngestError(404, 'grid', `unknown grid ${grid}`)
    const counters = engine.countersOf(row, window)
    const values = indicators(counters, engine.config)
    const out = {} as IndicatorTermsView['indicators']
    for (const name of INDICATORS) {
      const [numerator, denominator] = terms(name, counters, engine.config)
      out[name] = { value: values[name], numerator: Number.isNaN(numerator) ? null : numerator, denominator }
    }
    return { grid, window, at: engine.now(), indicators: out }
  })
}

export default route
