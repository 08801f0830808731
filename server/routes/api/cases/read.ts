// GET /api/cases/:id (with its event history) and GET /api/cases (filtered, newest first, paginated).
// Reads are limited to the caller's grid subtree; personal data is masked unless the caller is an operator.
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { CaseDetailView, CaseListView, CaseParams, DateTime, ErrorResponses, GridCode } from '../../../http/schemas'
import { caseView, eventView } from '../../../http/view'
import { parseTime } from '../../../http/write'
import { callerCovers, seesPersonalData, type Caller } from '../../../plugins/auth'
import type { GridIndex } from '../../../geo'
import { IngestError } from '../../../cases/errors'
import { STATES } from '../../../../shared/workflow'
import { DISTRICT_CODE, isSpecialCode } from '../../../../shared/grid'

const Token = Type.Optional(Type.String({ description: 'Viewer token (or authorization: Bearer …)' }))

const getSchema = {
  tags: ['cases'],
  summary: 'A case with its event history',
  security: [{ viewerToken: [] }],
  params: CaseParams,
  querystring: Type.Object({ token: Token }, { additionalProperties: false }),
  response: { 200: CaseDetailView, ...ErrorResponses },
}

const listSchema = {
  tags: ['cases'],
  summary: 'List cases, newest first',
  description: 'Page with cursor (nextCursor of the previous page) or offset. total counts every match.',
  security: [{ viewerToken: [] }],
  querystring: Type.Object(
    {
      grid: Type.Optional(GridCode('Grid subtree (any level) or a special grid')),
      state: Type.Optional(Type.String({ description: `Comma-separated states: ${STATES.join(', ')}` })),
      matter: Type.Optional(Type.String({ maxLength: 32 })),
      department: Type.Optional(Type.String({ maxLength: 32 })),
      source: Type.Optional(Type.String({ maxLength: 32 })),
      from: Type.Optional(DateTime('Reported at or after')),
      to: Type.Optional(DateTime('Reported before')),
      overdue: Type.Optional(Type.Boolean({ description: 'Open and past the deadline (red light)' })),
      cursor: Type.Optional(Type.Integer({ minimum: 1 })),
      offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
      limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
      token: Token,
    },
    { additionalProperties: false },
  ),
  response: {
    200: CaseListView,
    ...ErrorResponses,
  },
}

/**
 * The grids a list covers: the asked grid, bounded by the caller's scope; 403 when they do not meet. A special
 * grid lies in an ordinary grid (its parent), so a street may list the special grids inside it.
 */
function scopeFilter(caller: Caller, asked: string | undefined, grids: GridIndex): { grid?: string; special?: string } {
  const scope = caller.scope === DISTRICT_CODE ? undefined : caller.scope
  const scopeIsSpecial = scope !== undefined && isSpecialCode(scope)
  if (asked === undefined) return scope === undefined ? {} : scopeIsSpecial ? { special: scope } : { grid: scope }
  if (scope === undefined) return asked === DISTRICT_CODE ? {} : isSpecialCode(asked) ? { special: asked } : { grid: asked }
  if (isSpecialCode(asked)) {
    if (asked === scope) return { special: asked }
    if (!scopeIsSpecial && grids.byCode.get(asked)?.parent?.startsWith(scope)) return { special: asked, grid: scope }
  } else if (!scopeIsSpecial && asked.startsWith(scope)) return { grid: asked }
  throw new IngestError(403, 'grid', `grid ${asked} is outside this token's scope (${caller.scope})`)
}

const read: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/:id', { schema: getSchema, onRequest: app.auth.read }, async (req) => {
    const row = app.cases.get(req.params.id)
    if (!row) throw new IngestError(404, 'id', `unknown case ${req.params.id}`)
    if (!callerCovers(req.caller, row.grid, row.special))
      throw new IngestError(403, 'id', `case ${row.id} lies outside this token's scope (${req.caller.scope})`)
    return { ...caseView(row, seesPersonalData(req.caller)), events: app.cases.events(row.id).map(eventView) }
  })

  app.get('/', { schema: listSchema, onRequest: app.auth.read }, async (req) => {
    const q = req.query
    const caller = req.caller
    const place = scopeFilter(caller, q.grid, app.grids)
    const states = q.state?.split(',').map((s) => s.trim()).filter(Boolean)
    const unknown = states?.find((s) => !(STATES as readonly string[]).includes(s))
    if (unknown !== undefined) throw new IngestError(400, 'state', `state "${unknown}" is not one of ${STATES.join(', ')}`)
    const limit = q.limit ?? 50
    const { total, rows } = app.cases.list({
      ...place,
      states,
      matter: q.matter,
      department: q.department,
      source: q.source,
      from: q.from === undefined ? undefined : parseTime(q.from, 'from'),
      to: q.to === undefined ? undefined : parseTime(q.to, 'to'),
      overdue: q.overdue,
      cursor: q.cursor,
      offset: q.offset,
      limit,
    })
    const personal = seesPersonalData(caller)
    return {
      total,
      items: rows.map((r) => caseView(r, personal)),
      nextCursor: rows.length === limit ? rows[rows.length - 1].id : null,
    }
  })
}

export default read
