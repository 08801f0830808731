// POST /api/walls/:name/replay: the wall control (大屏联动) starts, drives or stops a replay on a wall: every
// browser of the wall leaves live mode together and shows the same past moment, played forward. Only a
// control key, and only for a wall whose scope lies inside it (as for POST /api/walls/:name/drive).
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { MAX_SPEED, MIN_SPEED } from '../../../shared/replay'
import { DateTime, ErrorResponses } from '../../http/schemas'
import { parseTime } from '../../http/write'
import { IngestError } from '../../cases/errors'
import { presented } from '../../plugins/external/rate-limit'
import { callerCoversScope } from '../../plugins/auth'
import { ReplayError } from '../../replay/pool'

const Body = Type.Object(
  {
    op: Type.Enum(['start', 'play', 'pause', 'step', 'seek', 'speed', 'stop']),
    at: Type.Optional(DateTime('start, seek: the moment')),
    until: Type.Optional(DateTime('start: where the chosen interval ends')),
    speed: Type.Optional(Type.Number({ minimum: MIN_SPEED, maximum: MAX_SPEED })),
    play: Type.Optional(Type.Boolean({ description: 'start: play at once (default true)' })),
    ms: Type.Optional(Type.Integer({ minimum: 1, description: 'step: how much replayed time' })),
  },
  { additionalProperties: false },
)

const schema = {
  tags: ['replay'],
  summary: 'Start, drive or stop a replay on a wall (control key)',
  security: [{ viewerToken: [] }],
  params: Type.Object({ name: Type.String() }),
  body: Body,
  response: { 200: Type.Object({ replay: Type.Unknown({ description: 'ReplayStatus, or null: the wall is live' }) }), ...ErrorResponses },
}

const wallReplay: FastifyPluginAsyncTypebox = async (app) => {
  app.post('/walls/:name/replay', { schema }, async (req) => {
    const secret = presented(req)
    if (secret === undefined) throw new IngestError(401, 'authorization', 'a control key is required to drive a wall (authorization: Bearer <key>)')
    const c = app.viewerFor(secret)
    if (c.role !== 'control') throw new IngestError(403, 'authorization', `a ${c.role === 'viewer' ? 'viewer token' : `${c.role} key`} cannot drive walls; a control key can`)
    const wall = req.params.name
    const state = app.walls.state(wall)
    if (!state) throw new IngestError(404, 'name', `no wall "${wall}" (see GET /api/walls)`)
    if (!callerCoversScope(c, state.scope)) throw new IngestError(403, 'authorization', `this control key covers ${c.scope}, not ${state.scope}`)
    const b = req.body
    const time = (field: 'at' | 'until') => {
      const v = b[field]
      if (v === undefined) throw new IngestError(400, field, `${field} is required for ${b.op}`)
      return parseTime(v, field)
    }
    try {
      const replay =
        b.op === 'start'
          ? await app.replay.screens.startWall(wall, {
            op: 'start', at: time('at'), until: b.until === undefined ? null : time('until'), speed: b.speed, play: b.play ?? true,
            scope: state.scope, window: state.window,
          })
          : b.op === 'seek'
            ? await app.replay.screens.commandWall(wall, { op: 'seek', at: time('at') })
            : b.op === 'speed'
              ? await app.replay.screens.commandWall(wall, { op: 'speed', speed: b.speed ?? Number.NaN })
              : await app.replay.screens.commandWall(wall, b.op === 'step' ? { op: 'step', ms: b.ms } : { op: b.op })
      return { replay }
    } catch (e) {
      if (e instanceof ReplayError) throw new IngestError(e.status, e.field, e.message)
      throw e
    }
  })
}

export default wallReplay
