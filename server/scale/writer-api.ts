// What a writer serves its live processes over HTTP, under /api/scale and only with the cluster secret:
//   GET  start       the layout's reference rows, matter names, the log's head and the feed's recent items
//   GET  checkpoint  the metrics as they stand now (a checkpoint blob; x-last-event-id says where)
//   GET  head        the last committed event id (a live process polls it: "am I current?")
//   GET  events      the committed changes after ?after= (at most ?limit=), read back from the log
//   POST viewer      the caller a viewer token stands for (a live process checks tokens here)
//   GET  walls       every wall's state as the writer's conductor holds it
import { timingSafeEqual, createHash } from 'node:crypto'
import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import { Type } from '@fastify/type-provider-typebox'
import type { Db } from '../db'
import type { MetricsEngine } from '../metrics/engine'
import type { Feed } from '../live/feed'
import type { Caller } from '../plugins/auth'
import { Layout, type LayoutInput } from '../metrics/layout'
import { checkpointBlob } from '../metrics/checkpoint'
import { stepsAfter } from '../metrics/rebuild'
import { IngestError } from '../cases/errors'
import { changeOf } from './entry'
import type { WallProfile } from '../../shared/wall'
import type { WallState } from '../../shared/conductor'
import type { LoggedChange } from '../metrics/engine'

export const SECRET_HEADER = 'x-cluster-secret'
/** Most changes one catch-up answer carries. */
export const EVENTS_MAX = 5000

export interface StartInfo {
  layout: LayoutInput
  matterNames: Record<string, string>
  head: number
  recent: { ticker: Feed['recentTicker']; alerts: Feed['recentAlerts'] }
  /** The walls the writer's conductor holds: their profiles and their states now. */
  walls: { profiles: WallProfile[]; states: Record<string, WallState> }
}

export interface WriterApiDeps {
  db: Db
  engine: MetricsEngine
  feed: Feed
  secret: string
  matterNames: () => Record<string, string>
  viewerFor: (token: string | undefined) => Caller
  walls: { profiles: WallProfile[]; states: () => Record<string, WallState> }
}

const digest = (s: string) => createHash('sha256').update(s).digest()

/** Register with a prefix (/api/scale): the secret check covers these routes only. */
export const writerApi: FastifyPluginAsync<WriterApiDeps> = async (app, deps) => {
  const want = digest(deps.secret)
  const sql = deps.db.$client
  const headOf = sql.prepare('SELECT COALESCE(MAX(id), 0) FROM case_events').pluck()
  const factsOf = sql.prepare('SELECT grid, special, source, matter, description, lon, lat, reporter_name AS reporterName FROM cases WHERE id = ?')
  const layout = Layout.inputFromDb(deps.db)

  app.addHook('onRequest', async (req: FastifyRequest) => {
    const got = req.headers[SECRET_HEADER]
    if (typeof got !== 'string' || !timingSafeEqual(digest(got), want))
      throw new IngestError(401, SECRET_HEADER, `${SECRET_HEADER} is missing or wrong: only this deployment's live processes may ask`)
  })
  const opts = { config: { rateLimit: false }, schema: { hide: true } }

  app.get('/start', opts, async (): Promise<StartInfo> => ({
    layout, matterNames: deps.matterNames(), head: headOf.get() as number,
    recent: { ticker: deps.feed.recentTicker, alerts: deps.feed.recentAlerts },
    walls: { profiles: deps.walls.profiles, states: deps.walls.states() },
  }))

  app.get('/walls', opts, async () => deps.walls.states())

  app.get('/checkpoint', opts, async (_req, reply) => {
    const at = deps.engine.lastEventId
    const blob = await checkpointBlob(deps.engine)
    return reply.type('application/octet-stream').header('x-last-event-id', String(at)).send(blob)
  })

  app.get('/head', opts, async () => ({ head: headOf.get() as number }))

  app.get(
    '/events',
    {
      ...opts,
      schema: {
        hide: true,
        querystring: Type.Object({
          after: Type.Integer({ minimum: 0 }),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: EVENTS_MAX })),
        }),
      },
    },
    async (req) => {
      const { after, limit } = req.query as { after: number; limit?: number }
      const head = headOf.get() as number
      const changes: LoggedChange[] = []
      const facts = new Map<number, LoggedChange['facts']>()
      for (const step of stepsAfter(deps.db, after, limit ?? EVENTS_MAX)) {
        const caseId = step.event.caseId
        let f = facts.get(caseId)
        if (!f) facts.set(caseId, (f = factsOf.get(caseId) as LoggedChange['facts']))
        changes.push(changeOf({ ...step, facts: f }))
      }
      return { head, changes }
    },
  )

  app.post(
    '/viewer',
    { ...opts, schema: { hide: true, body: Type.Object({ token: Type.Optional(Type.String()) }) } },
    async (req, reply) => {
      try {
        return deps.viewerFor((req.body as { token?: string }).token)
      } catch (e) {
        // The refusal word for word (a screen reads "access revoked" at its start), not the field-prefixed problem.
        if (e instanceof IngestError) return reply.code(e.statusCode).send({ statusCode: e.statusCode, error: 'Unauthorized', message: e.message })
        throw e
      }
    },
  )
}
