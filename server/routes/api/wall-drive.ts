// POST /api/walls/:name/drive: a leader's tablet sends a wall to a scope, a window, a map metric or a case
// (大屏联动). Only a control key drives, and only inside its own subtree; everything else is refused saying why.
// The wall's browsers hear the change at once (server/live/conductor.ts) and show who drives.
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { GRID_METRICS, WINDOWS } from '../../../shared/protocol'
import { ErrorResponses, GridCode } from '../../http/schemas'
import { IngestError } from '../../cases/errors'
import { presented } from '../../plugins/external/rate-limit'
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
    200: Type.Object({ scope: Type.String(), window: Type.String(), metric: Type.String(), case: Type.Union([Type.Integer(), Type.Null()]), driver: Type.String(), applyAt: Type.Number() }),
    ...ErrorResponses,
  },
}

const wallDrive: FastifyPluginAsyncTypebox = async (app) => {
  app.post('/walls/:name/drive', { schema }, async (req) => {
    const secret = presented(req)
    if (secret === undefined) throw new IngestError(401, 'authorization', 'a control key is required to drive a wall (authorization: Bearer <key>)')
    const c = app.viewerFor(secret)
    if (c.role !== 'control')
      throw new IngestError(403, 'authorization', `a ${c.role === 'viewer' ? 'viewer token' : `${c.role} key`} cannot drive walls; a control key can (npm run keys -- create --role control)`)
    const state = app.walls.state(req.params.name)
    if (!state) throw new IngestError(404, 'name', `no wall "${req.params.name}" (see GET /api/walls)`)
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
    return { scope: s.scope, window: s.window, metric: s.metric, case: s.case, driver: c.name, applyAt }
  })
}

export default wallDrive
