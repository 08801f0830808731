// POST requests.{fmt}: report a case (form-encoded, api_key, attribute[...]) through the one ingest.
// GET requests.{fmt}: cases by id list or by service_code / status / date range (90 days, 1,000 results).
// GET requests/{id}.{fmt}: one case. Reads follow the server's viewer policy (anonymous in demo mode; else a
// viewer token as api_key, token or bearer), are limited to the caller's grid subtree, and mask citizen text.
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { IdempotencyStore, KEY_PATTERN } from '../../../cases/idempotency'
import { DESCRIPTION_MAX } from '../../../cases/validate'
import type { ReportInput } from '../../../cases/ingest'
import { callerCovers, seesPersonalData, type Caller } from '../../../plugins/auth'
import { presented } from '../../../plugins/external/rate-limit'
import { SOURCES } from '../../../../shared/protocol'
import { calendarClock } from '../../../../shared/timelimit'
import { list, type Doc } from '../../../open311/format'
import { badRequest, forbidden, fromIngest, notFound } from '../../../open311/errors'
import { IngestError } from '../../../cases/errors'
import { limitText, matterAttributes, requestOf } from '../../../open311/mapping'
import { Gazetteer } from '../../../open311/gazetteer'
import { parseRequestQuery } from '../../../open311/query'
import { formatOf, send } from '../../../open311/reply'
import { RequestStore } from '../../../open311/store'
import { checkAttributes, field, parseSubmission, type Form } from '../../../open311/submit'
import { Format, FormatParams, Jurisdiction } from './schemas'

/** Where an Open311 POST's idempotency answer is stored; the key doubles as the request's token. */
export const tokenKey = (key: string) => `open311:${key}`

const FormBody = Type.Record(Type.String(), Type.Union([Type.String(), Type.Array(Type.String())]), {
  description: 'application/x-www-form-urlencoded GeoReport v2 fields (api_key, service_code, lat, long, attribute[code], …)',
})

const RequestsQuery = Type.Object({
  ...Jurisdiction,
  service_request_id: Type.Optional(Type.String({ description: 'Comma list; overrides every other parameter' })),
  service_code: Type.Optional(Type.String({ description: 'Comma list' })),
  start_date: Type.Optional(Type.String({ description: 'W3C datetime with zone' })),
  end_date: Type.Optional(Type.String({ description: 'W3C datetime with zone; at most 90 days after start_date' })),
  status: Type.Optional(Type.String({ description: 'open, closed, or both comma separated' })),
  api_key: Type.Optional(Type.String({ description: 'A viewer token (needed when demo mode is off)' })),
})

function writer(app: FastifyInstance, secret: string | null): Caller {
  if (secret === null) throw forbidden('api_key was not provided')
  const c = app.keys.verify(secret)
  if (!c) throw forbidden('api_key is not valid (unknown or revoked)')
  if (c.role === 'viewer') throw forbidden('api_key is a viewer token; it cannot create requests')
  return c
}

function reader(app: FastifyInstance, req: FastifyRequest): Caller {
  const apiKey = (req.query as { api_key?: string }).api_key
  return app.viewerFor(apiKey ? apiKey : presented(req))
}

const requests: FastifyPluginAsyncTypebox = async (app) => {
  const store = new RequestStore(app.db)
  const catalogue = app.catalogue
  let gazetteer: Gazetteer | null = null
  const places = () => (gazetteer ??= new Gazetteer(app.db, app.grids))
  const departmentName = (code: string) => catalogue.departments.get(code)?.name
  const clock = calendarClock(app.config.calendar)

  const view = (rows: Parameters<typeof requestOf>[0][], caller: Caller): Doc[] =>
    rows.map((c) => requestOf(c, catalogue.matters.get(c.matter), departmentName, clock, seesPersonalData(caller)))

  app.post('/requests.:format', {
    schema: {
      tags: ['open311'],
      summary: 'Open311 POST service request (form-encoded; needs api_key)',
      description: 'Reports a case through the ingest. An optional idempotency-key header makes retries safe and serves as a token for GET tokens/{token}.',
      consumes: ['application/x-www-form-urlencoded'],
      params: FormatParams,
      body: FormBody,
      headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String()) }),
    },
  }, async (req, reply) => {
    const fmt = formatOf(req)
    const form = req.body as Form
    const caller = writer(app, field(form, 'api_key') ?? field(req.query as Form, 'api_key'))
    const sub = parseSubmission(form)
    const matter = catalogue.matters.get(sub.serviceCode)
    if (!matter) throw notFound(`service_code "${sub.serviceCode}" was not found`)
    const details = checkAttributes(matterAttributes(matter), sub.attributes)
    const dept = departmentName(matter.department) ?? matter.department
    const ack = (r: { caseId: number }): Doc => ({
      service_request_id: String(r.caseId),
      service_notice: `已受理，待核实立案；承办单位：${dept}；处置时限：${limitText(matter)}`,
      account_id: sub.accountId,
    })

    const idemHeader = req.headers['idempotency-key']
    let idempotency
    if (typeof idemHeader === 'string') {
      if (!KEY_PATTERN.test(idemHeader)) throw badRequest('idempotency-key must be 1–200 printable ASCII characters')
      const key = tokenKey(idemHeader)
      const hash = IdempotencyStore.hash(`open311 POST requests ${caller.id}`, form)
      const prior = app.idempotency.lookup(key, hash)
      if (prior) return send(reply.header('idempotent-replayed', 'true'), fmt, 'service_requests', list('request', [JSON.parse(prior.body) as Doc]))
      idempotency = { key, hash, answer: (r: unknown) => ({ status: 200, body: JSON.stringify(ack(r as { caseId: number })) }) }
    }

    let lon: number, lat: number
    let address: string | null
    const loc = sub.location
    if (loc.kind === 'point') {
      ;[lon, lat, address] = [loc.long, loc.lat, field(form, 'address_string')]
    } else {
      const p = loc.kind === 'address_id' ? places().byId(loc.addressId) : places().byAddress(loc.address)
      ;[lon, lat, address] = [p.lon, p.lat, loc.address]
    }
    const text = [sub.description ?? matter.name, ...(details.length ? [`【补充信息】${details.join('；')}`] : [])].join('\n')
    if (Array.from(text).length > DESCRIPTION_MAX)
      throw badRequest(`description together with the attributes is longer than ${DESCRIPTION_MAX} characters`)

    const input: ReportInput = {
      source: (SOURCES as readonly string[]).includes(caller.source ?? '') ? caller.source! : 'app',
      matter: matter.code, lon, lat, crs: 'wgs84', address, description: text,
      reporterName: sub.reporterName, reporterPhone: sub.phone, mediaUrl: sub.mediaUrl,
      actor: `open311:${caller.name}`.slice(0, 64),
    }
    let result
    try {
      result = app.ingest.report(input, { idempotency, covers: (grid, special) => callerCovers(caller, grid, special) })
    } catch (e) {
      throw e instanceof IngestError ? fromIngest(e) : e
    }
    await app.ingest.durable() // acknowledged means on disk
    return send(reply, fmt, 'service_requests', list('request', [ack(result)]))
  })

  app.get('/requests.:format', {
    schema: { tags: ['open311'], summary: 'Open311 GET service requests', params: FormatParams, querystring: RequestsQuery },
  }, async (req, reply) => {
    const caller = reader(app, req)
    const q = parseRequestQuery(req.query as Record<string, string | undefined>, Date.now())
    return send(reply, formatOf(req), 'service_requests', list('request', view(store.find(q, caller.scope), caller)))
  })

  app.get('/requests/:service_request_id.:format', {
    schema: {
      tags: ['open311'],
      summary: 'Open311 GET one service request',
      params: Type.Object({ service_request_id: Type.String(), format: Format }),
      querystring: Type.Object({ ...Jurisdiction, api_key: Type.Optional(Type.String()) }),
    },
  }, async (req, reply) => {
    const caller = reader(app, req)
    const id = req.params.service_request_id
    const rows = /^\d{1,15}$/.test(id) ? store.find({ kind: 'ids', ids: [Number(id)] }, caller.scope) : []
    if (rows.length === 0) throw notFound(`service_request_id "${id}" was not found`)
    return send(reply, formatOf(req), 'service_requests', list('request', view(rows, caller)))
  })
}

export default requests
