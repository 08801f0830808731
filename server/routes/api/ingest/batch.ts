// POST /api/ingest/batch: many reports and actions from an upstream system in one transaction. Either all
// are stored or none; a refusal names the item (items[3].matter). Items are told apart by `type`, and each
// is checked against its own schema so the error names the real problem, not "matches no alternative".
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Compile } from 'typebox/compile'
import type { FastifySchemaCompiler } from 'fastify'
import { compileValidator } from '../../../http/validator'
import { ActItem, ErrorResponses, Nullable, ReportItem, WriteHeaders } from '../../../http/schemas'
import { batchItemAck, idempotentWrite, toCommand, toReport } from '../../../http/write'
import { IngestError } from '../../../cases/errors'
import type { BatchItem } from '../../../cases/ingest'

type Item = ReportItem | ActItem

function bodyValidator(maxItems: number) {
  const envelope = Compile(
    Type.Object(
      { items: Type.Array(Type.Object({ type: Type.Enum(['report', 'act']) }), { minItems: 1, maxItems }) },
      { additionalProperties: false },
    ),
  )
  const byType = { report: Compile(ReportItem), act: Compile(ActItem) }
  return (value: unknown) => {
    if (!envelope.Check(value)) return { error: envelope.Errors(value) }
    const items = (value as { items: Item[] }).items
    for (let i = 0; i < items.length; i++) {
      const check = byType[items[i].type]
      if (!check.Check(items[i]))
        return { error: check.Errors(items[i]).map((e) => ({ ...e, instancePath: `/items/${i}${e.instancePath}` })) }
    }
    return { value }
  }
}

const batch: FastifyPluginAsyncTypebox = async (app) => {
  const schema = {
    tags: ['cases'],
    summary: 'Ingest many reports and actions at once (all or nothing)',
    description: `Up to ${app.config.batchMax} items, each { type: "report", …report } or { type: "act", id | externalId, …action }.`,
    security: [{ apiKey: [] }],
    headers: WriteHeaders,
    body: Type.Object(
      { items: Type.Array(Type.Union([ReportItem, ActItem]), { minItems: 1, maxItems: app.config.batchMax }) },
      { additionalProperties: false },
    ),
    response: {
      200: Type.Object({
        count: Type.Integer(),
        results: Type.Array(
          Type.Object({
            id: Type.Integer(),
            state: Type.String(),
            light: Type.String(),
            deadline: Nullable(Type.String({ format: 'date-time' })),
            grid: Type.Optional(Type.String({ description: 'reports: the micro grid' })),
            special: Type.Optional(Nullable(Type.String())),
            department: Type.Optional(Nullable(Type.String({ description: 'acts: the department the case is with' }))),
          }),
          { description: 'One per item, in order' },
        ),
      }),
      ...ErrorResponses,
    },
  }
  const validateBody = bodyValidator(app.config.batchMax)
  // The headers (the idempotency-key) as every other write checks them: as they are, not converted.
  const validatorCompiler: FastifySchemaCompiler<unknown> = (route) =>
    route.httpPart === 'body' ? validateBody : compileValidator(route as Parameters<typeof compileValidator>[0])

  app.post('/batch', { schema, validatorCompiler, bodyLimit: app.config.batchBodyLimit, onRequest: app.auth.write }, async (req, reply) => {
    const items = req.body.items as Item[]
    const input: BatchItem[] = items.map((item, i) => {
      try {
        if (item.type === 'report') return { report: toReport(item, req.caller) }
        if (item.id === undefined && item.externalId === undefined)
          throw new IngestError(400, 'id', 'an act item needs id or externalId')
        return { act: { caseId: item.id, externalId: item.externalId, command: toCommand(item, req.caller) } }
      } catch (e) {
        throw e instanceof IngestError ? e.within(`items[${i}]`) : e
      }
    })
    return idempotentWrite(
      app, req, reply,
      (opts) => app.ingest.batch(input, opts),
      (results) => ({
        status: 200,
        body: {
          count: results.length,
          results: results.map(batchItemAck),
        },
      }),
    )
  })
}

export default batch
