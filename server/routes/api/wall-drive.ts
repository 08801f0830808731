// POST /api/walls/:name/drive: a leader's tablet sends a wall to a scope, a window, a map metric or a case
// (大屏联动). Only a control key drives, and only inside its own subtree; everything else is refused saying why.
// The wall's browsers hear the change at once (server/live/conductor.ts) and show who drives.
// GET /api/walls/:name/state: where the wall points now and who drives it, for the tablet to show.
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { GRID_METRICS, WINDOWS } from '../../../shared/protocol'
import { WallStateView } from '../../../shared/api'
import { ErrorResponses, GridCode } from '../../http/schemas'
import { controlOf } from '../../http/control'
import { IngestError } from '../../cases/errors'
import { callerCovers, callerCoversScope } from '../../plugins/auth'

const Drive = Type.Object(
  {
    scope: Type.Optional(GridCode('the grid the wall shows')),
    window: Type.Optional(Type.Enum([...WINDOWS])),
    metric: Type.Optional(Type.Enum([...GRID_METRICS], { description: 'what the map colours by' })),
    case: Type.Optional(Type.Union([Type.Integer({ minimum: 1 }), Type.Null()], { description: 'case id to show; null clears it' })),
  },
  { additionalProperties: false, minProperties: 1 },
)

const schema = {
  tags: ['system'],
  summary: 'Send a wall to a scope, window, map metric or case (control key)',
  security: [{ viewerToken: [] }],
  params: Type.Object({ name: Type.String() }),
  body: Drive,
  response: {
    200: Type.Object({ scope: Type.String(), window: Type.String(), metric: Type.String(), case: Type.Union([Type.Integer(), Type.Null()]), driver: Type.String(), version: Type.Integer({ description: 'the wall state this drive made' }), applyAt: Type.Number() }),
    ...ErrorResponses,
  },
}

const stateSchema = {
  tags: ['system'],
  summary: 'Where a wall points and who drives it (control key)',
  security: [{ viewerToken: [] }],
  params: Type.Object({ name: Type.String() }),
  response: { 200: WallStateView, ...ErrorResponses },
}

const wallDrive: FastifyPluginAsyncTypebox = async (app) => {
  // Any control key may look (the tablet shows the wall before it drives); what it may change is checked below.
  app.get('/walls/:name/state', { schema: stateSchema }, async (req) => {
    const { state: s } = controlOf(app, req, req.params.name)
    return { name: req.params.name, scope: s.scope, window: s.window, metric: s.metric, case: s.case, driver: s.driver, version: s.version }
  })

  app.post('/walls/:name/drive', { schema }, async (req) => {
    const { caller: c, state } = controlOf(app, req, req.params.name)
    const to = req.body
    const scope = to.scope ?? state.scope
    if (!callerCoversScope(c, scope))
      throw new IngestError(403, to.scope ? 'scope' : 'authorization', `this control key covers ${c.scope}, not ${scope}${to.scope ? '' : ' (send the wall to a scope inside it first)'}`)
    if (to.scope && app.metrics.layout.gridIndex(to.scope) < 0) throw new IngestError(422, 'scope', `"${to.scope}" is not a grid of the district`)
    if (to.case != null) {
      const row = app.cases.get(to.case)
      if (!row || !callerCovers(c, row.grid, row.special)) throw new IngestError(404, 'case', `no case ${to.case} inside ${c.scope}`)
    }
    const { state: s, applyAt } = app.walls.drive(req.params.name, to, c.name)
    return { scope: s.scope, window: s.window, metric: s.metric, case: s.case, driver: c.name, version: s.version, applyAt }
  })
}

export default wallDrive
