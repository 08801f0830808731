// What every REST write shares: the idempotency-key (a replay gets the first answer, byte for byte), the
// caller's scope, and turning request text (RFC 3339 times, the key's source) into ingest input.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { IdempotencyStore, type Answer } from '../cases/idempotency'
import { IngestError } from '../cases/errors'
import type { ReportResult, ActResult, WriteOptions, CommandInput } from '../cases/ingest'
import type { ReportInput } from '../cases/validate'
import { callerCovers, type Caller } from '../plugins/auth'
import type { Command } from '../../shared/workflow'
import type { ActionBody, ReportBody } from './schemas'
import { iso } from './view'

const JSON_TYPE = 'application/json; charset=utf-8'

/**
 * Run a write once per idempotency-key, in the ingest's next group commit. The replay check and the write
 * run inside the same transaction, so two requests racing with one key cannot both write. `run` gets the
 * options to hand the ingest (the answer is stored with the write); `answer` shapes the response.
 */
export async function idempotentWrite<R>(
  app: FastifyInstance,
  req: FastifyRequest,
  reply: FastifyReply,
  run: (opts: WriteOptions) => R,
  answer: (r: R) => { status: number; body: unknown },
): Promise<FastifyReply> {
  const caller = req.caller
  const key = `${caller.id}:${req.headers['idempotency-key']}`
  const hash = IdempotencyStore.hash(`${req.method} ${req.url.split('?')[0]}`, req.body)
  const sent = await app.ingest.submit((): Answer & { replayed?: boolean } => {
    const prior = app.idempotency.lookup(key, hash)
    if (prior) return { ...prior, replayed: true }
    let a: Answer | null = null
    run({
      idempotency: {
        key,
        hash,
        answer: (r) => {
          const x = answer(r as R)
          return (a = { status: x.status, body: JSON.stringify(x.body) })
        },
      },
      covers: (grid, special) => callerCovers(caller, grid, special),
    })
    return a!
  })
  if (sent.replayed) reply.header('idempotent-replayed', 'true')
  return reply.code(sent.status).type(JSON_TYPE).send(sent.body)
}

/** RFC 3339 text → ms. The schema has checked the form; this catches what Date cannot place (a leap second). */
export function parseTime(s: string, field: string): number {
  const t = Date.parse(s)
  if (!Number.isFinite(t)) throw new IngestError(400, field, `${field} is not a date-time this server can place: ${s}`)
  return t
}

/** Who an event is attributed to when the body does not say: the key's source and name. */
export const actorOf = (c: Caller) => `${c.source ?? c.role}:${c.name}`.slice(0, 64)

/** A write key reports as its own source; an import key or an operator states the source. */
function sourceOf(stated: string | undefined, c: Caller): string {
  if (c.role === 'write' && c.source !== 'import' && c.source !== null) {
    if (stated !== undefined && stated !== c.source)
      throw new IngestError(403, 'source', `this key reports as "${c.source}"; it cannot report as "${stated}"`)
    return c.source
  }
  if (stated === undefined) throw new IngestError(400, 'source', 'source is required for this key')
  return stated
}

export function toReport(b: ReportBody & { then?: ActionBody[] }, c: Caller): ReportInput {
  return {
    source: sourceOf(b.source, c),
    matter: b.matter,
    lon: b.lon,
    lat: b.lat,
    crs: b.crs as ReportInput['crs'],
    address: b.address,
    description: b.description,
    reporterName: b.reporterName,
    reporterPhone: b.reporterPhone,
    mediaUrl: b.mediaUrl,
    externalId: b.externalId,
    reportedAt: b.reportedAt === undefined ? undefined : parseTime(b.reportedAt, 'reportedAt'),
    actor: b.actor ?? actorOf(c),
    then: b.then?.map((step, i) => {
      if (step.at === undefined) throw new IngestError(400, `then[${i}].at`, `then[${i}].at is required: history steps need their time`)
      return toCommand(step, c, `then[${i}].`) as Command
    }),
  }
}

/** A command from its REST form; without `at` it happens when the ingest writes it. */
export function toCommand(b: ActionBody, c: Caller, prefix = ''): CommandInput {
  const cmd: CommandInput = { action: b.action as Command['action'], actor: b.actor ?? actorOf(c) }
  if (b.at !== undefined) cmd.at = parseTime(b.at, `${prefix}at`)
  if (b.reason !== undefined) cmd.reason = b.reason
  if (b.data !== undefined) {
    const { deadline, ...rest } = b.data
    cmd.data = { ...rest, ...(deadline === undefined ? {} : { deadline: parseTime(deadline, `${prefix}data.deadline`) }) }
  }
  return cmd
}

/** The acknowledgement of a report: enough to find the case again, nothing personal. */
export function reportAck(r: ReportResult) {
  return {
    id: r.caseId,
    grid: r.grid,
    special: r.special,
    state: r.state.state,
    level: r.state.level,
    light: r.state.light,
    deadline: iso(r.state.deadline),
    events: r.events.map((e) => ({ action: e.action, from: e.from, to: e.to, at: iso(e.at) })),
  }
}

/** One item of a batch's acknowledgement: lean, since a batch acknowledges hundreds at once. */
export function batchItemAck(r: ReportResult | ActResult) {
  const c = r.state
  return 'events' in r
    ? { id: r.caseId, grid: r.grid, special: r.special, state: c.state, light: c.light, deadline: iso(c.deadline) }
    : { id: r.caseId, state: c.state, light: c.light, department: c.department, deadline: iso(c.deadline) }
}

export function actAck(r: ActResult) {
  const e = r.event
  return {
    id: r.caseId,
    state: r.state.state,
    level: r.state.level,
    light: r.state.light,
    department: r.state.department,
    deadline: iso(r.state.deadline),
    event: { action: e.action, from: e.from, to: e.to, at: iso(e.at) },
  }
}
