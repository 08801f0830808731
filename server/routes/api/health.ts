// GET /api/health: is the server up and its database answering, and how much does it hold.
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'

const Health = Type.Object({
  ok: Type.Boolean(),
  db: Type.String({ description: '"ok" or the database error' }),
  cases: Type.Integer(),
  events: Type.Integer(),
  uptime: Type.Number({ description: 'seconds' }),
  calendar: Type.Object(
    {
      coveredThrough: Type.Union([Type.String({ format: 'date' }), Type.Null()], {
        description: 'the last local date whose holidays and 调休 makeup days the working calendar knows',
      }),
      horizon: Type.String({ format: 'date', description: 'the latest local date a case registered now can fall due (longest limit in the catalogue)' }),
      short: Type.Boolean({ description: 'horizon is past coveredThrough: days after it are counted Monday–Friday until the next schedule is added' }),
    },
    { description: 'Coverage of the working calendar (ONESCREEN_CALENDAR adds years)' },
  ),
  commits: Type.Optional(
    Type.Object(
      { groups: Type.Integer(), jobs: Type.Integer() },
      { description: 'Group commits of REST writes since start, and the writes they carried' },
    ),
  ),
})

const schema = {
  tags: ['system'],
  summary: 'Liveness and database status',
  response: { 200: Health, 503: Health },
}

const health: FastifyPluginAsyncTypebox = async (app) => {
  // MAX(id) rather than COUNT(*): ids are dense and never deleted, and COUNT would scan 289k rows per probe.
  const counts = app.db.$client.prepare(
    'SELECT (SELECT COALESCE(MAX(id), 0) FROM cases) AS cases, (SELECT COALESCE(MAX(id), 0) FROM case_events) AS events',
  )
  app.get('/health', { schema, config: { rateLimit: false } }, async (_req, reply) => {
    try {
      const { cases, events } = counts.get() as { cases: number; events: number }
      return { ok: true, db: 'ok', cases, events, uptime: process.uptime(), calendar: app.calendarCoverage(), commits: { ...app.ingest.stats } }
    } catch (e) {
      return reply.code(503).send({ ok: false, db: (e as Error).message, cases: 0, events: 0, uptime: process.uptime(), calendar: app.calendarCoverage() })
    }
  })
}

export default health
