// GET /api/replay/timeline: cases per hour over an interval in a scope, with the spike and red-light marks
// a replay can jump to. GET /api/replay: the replays running, the cap, and what each costs (CPU, memory).
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { DateTime, ErrorResponses } from '../../http/schemas'
import { parseTime } from '../../http/write'
import { IngestError } from '../../cases/errors'
import { callerCoversScope } from '../../plugins/auth'
import { TIMELINE_MAX_DAYS } from '../../replay/timeline'

const timelineSchema = {
  tags: ['replay'],
  summary: 'Cases per hour and alert marks over an interval',
  security: [{ viewerToken: [] }],
  querystring: Type.Object(
    {
      scope: Type.String({ minLength: 1, maxLength: 32 }),
      from: DateTime('Start of the interval'),
      to: DateTime('End of the interval'),
      token: Type.Optional(Type.String()),
    },
    { additionalProperties: false },
  ),
  response: { 200: Type.Unknown({ description: 'Timeline' }), ...ErrorResponses },
}

const replay: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/replay/timeline', { schema: timelineSchema, onRequest: app.auth.read }, async (req) => {
    const { scope } = req.query
    const from = parseTime(req.query.from, 'from')
    const to = Math.min(parseTime(req.query.to, 'to'), Date.now())
    if (app.metrics.layout.gridIndex(scope) < 0) throw new IngestError(400, 'scope', `scope "${scope}" is not a grid code`)
    if (!callerCoversScope(req.caller, scope)) throw new IngestError(403, 'scope', `this viewer token covers ${req.caller.scope}, not ${scope}`)
    if (to <= from) throw new IngestError(400, 'to', 'to must come after from (and from before now)')
    if (to - from > TIMELINE_MAX_DAYS * 86_400_000) throw new IngestError(400, 'to', `an interval is at most ${TIMELINE_MAX_DAYS} days`)
    return app.replay.pool.timeline(scope, from, to)
  })

  app.get(
    '/replay',
    { schema: { tags: ['replay'], summary: 'Replays running and the cap' }, onRequest: app.auth.read, config: { rateLimit: false } },
    async () => ({ running: app.replay.screens.replays, logStart: app.replay.logStart(), ...(await app.replay.pool.stats()) }),
  )
}

export default replay
