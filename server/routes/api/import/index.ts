// POST /api/import: upload a 12345 export (multipart/form-data, field `file`, .xlsx or .csv; an optional
// `mapping` field with the column mapping as JSON must come before the file). Needs an import key (a write
// key of source "import") or an operator key. Answers once every good row is committed: counts, problems by
// column, the first 1,000 problems with row, column and reason, and a link to the whole report as CSV
// (GET /api/import/reports/:id, with the same key). The file is parsed in a worker thread; only the commits
// run on the server's event loop, so the wall keeps its frames during a big import.
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import multipart from '@fastify/multipart'
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { IngestError } from '../../../cases/errors'
import { ErrorResponses } from '../../../http/schemas'
import { problem } from '../../../http/problem'
import { ERRORS_LISTED, fileKind, importFile, SKIPPED_LISTED, warmUp } from '../../../import/importer'
import { loadMapping, MappingError } from '../../../import/mapping'
import { ReportStore } from '../../../import/store'

/** Largest export accepted: a 100,000-row XLSX is ~16 MB, the same rows as CSV ~37 MB. */
export const IMPORT_MAX_BYTES = 128 << 20
/** The request around the file: multipart boundaries, headers and the mapping field. */
const ENVELOPE_BYTES = 1 << 20

const Summary = Type.Object({
  rows: Type.Integer({ description: 'Data rows read (header not counted)' }),
  imported: Type.Integer(),
  skipped: Type.Integer({ description: 'Rows whose 工单编号 was already imported (or repeated in the file)' }),
  bad: Type.Integer({ description: 'Rows refused' }),
  problems: Type.Array(
    Type.Object({ column: Type.String(), problem: Type.String(), count: Type.Integer() }),
    { description: 'Every problem counted by column and kind, most frequent first' },
  ),
  errorCount: Type.Integer({ description: 'Problems in all (a bad row may have several)' }),
  errors: Type.Array(
    Type.Object({ row: Type.Integer(), column: Type.String(), problem: Type.String(), reason: Type.String() }),
    { description: `The first ${ERRORS_LISTED} problems by row` },
  ),
  skippedRows: Type.Array(
    Type.Object({ row: Type.Integer(), externalId: Type.String(), reason: Type.String() }),
    { description: `The first ${SKIPPED_LISTED} skipped rows` },
  ),
  report: Type.Union([Type.Null(), Type.Object({ id: Type.String(), url: Type.String() })], {
    description: 'Every problem and skipped row as CSV, for the key that imported (or an operator); kept for a day',
  }),
  ms: Type.Integer(),
})

const tooLarge = (reply: FastifyReply, message: string) =>
  // The rest of the body is not wanted: close the connection rather than read it to the end.
  reply.code(413).header('connection', 'close').send(problem(413, message, 'file'))

const upload: FastifyPluginAsyncTypebox = async (app) => {
  // multipart/form-data is parsed for these routes only: registered for the whole app, its hooks (a listener on
  // every response's close, a clean-up after every response) ran for every request, the ingest's included.
  await app.register(multipart, { limits: { fileSize: app.config.batchBodyLimit, files: 1 } })
  const reports = new ReportStore()
  let running = false
  app.addHook('onClose', async () => reports.close())

  const importer = async (req: FastifyRequest) => {
    const caller = req.caller
    if (caller.role !== 'operator' && caller.source !== 'import')
      throw new IngestError(403, 'x-api-key', 'importing needs an import key (a write key of source "import") or an operator key')
  }
  // Refuse an oversized upload on its headers, before its body arrives.
  const declaredSize = async (req: FastifyRequest, reply: FastifyReply) => {
    const declared = Number(req.headers['content-length'])
    if (declared > IMPORT_MAX_BYTES + ENVELOPE_BYTES)
      return tooLarge(reply, `the upload is ${declared} bytes; an export may be at most ${IMPORT_MAX_BYTES} bytes (split it into smaller files)`)
  }

  app.post('/', {
    schema: {
      tags: ['import'],
      summary: 'Import a 12345 work-order export (XLSX or CSV)',
      description:
        'multipart/form-data with a `file` field (and optionally a `mapping` JSON field before it). Good rows are ' +
        'kept and bad rows reported; re-importing a file skips the orders already imported. One import runs at a time.',
      consumes: ['multipart/form-data'],
      security: [{ apiKey: [] }],
      response: { 200: Summary, ...ErrorResponses, 415: ErrorResponses[400], 429: ErrorResponses[400] },
    },
    onRequest: [app.auth.write, importer, declaredSize],
  }, async (req, reply) => {
    if (!req.isMultipart())
      return reply.code(415).send(problem(415, 'send multipart/form-data with the export in a `file` field', 'content-type'))
    if (running) {
      reply.header('connection', 'close').header('retry-after', '10')
      throw new IngestError(429, 'file', 'another import is running; send this one when it has finished')
    }
    running = true
    // The worker thread loads while the file arrives.
    warmUp()
    const dir = await mkdtemp(join(tmpdir(), 'onescreen-import-'))
    try {
      const part = await req.file({ limits: { fileSize: IMPORT_MAX_BYTES, files: 1 } })
      if (!part || part.fieldname !== 'file') throw new IngestError(400, 'file', 'the export must be sent in a `file` field')
      let mapping
      const field = part.fields.mapping
      const mappingText = field && !Array.isArray(field) && field.type === 'field' ? String(field.value) : undefined
      try {
        mapping = mappingText === undefined ? undefined : loadMapping(JSON.parse(mappingText))
      } catch (e) {
        part.file.resume()
        throw new IngestError(400, 'mapping', e instanceof SyntaxError ? `mapping is not valid JSON: ${e.message}` : (e as Error).message)
      }

      // Spool to disk first: a truncated upload must not import half a file (and an XLSX is read from its end).
      const path = join(dir, 'export')
      try {
        await pipeline(part.file, createWriteStream(path))
      } catch (e) {
        if ((e as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE' || part.file.truncated)
          return tooLarge(reply, `the file is larger than ${IMPORT_MAX_BYTES} bytes (split the export into smaller files)`)
        throw e
      }
      if (part.file.truncated) return tooLarge(reply, `the file is larger than ${IMPORT_MAX_BYTES} bytes (split the export into smaller files)`)
      const kind = await fileKind(path, part.filename)
      const report = reports.reserve(req.caller.id)
      try {
        const restoreCache = app.importCache()
        let summary
        try {
          summary = await importFile(app, path, { mapping, kind, reportFile: report.path })
        } finally {
          restoreCache()
        }
        await app.ingest.durable() // the summary acknowledges the imported rows: on disk first
        const listed = summary.errorCount > 0 || summary.skipped > 0
        if (listed) reports.keep(report)
        else reports.drop(report)
        req.log.info({ file: part.filename, rows: summary.rows, imported: summary.imported, skipped: summary.skipped, bad: summary.bad }, '12345 import')
        return { ...summary, report: listed ? { id: report.id, url: `/api/import/reports/${report.id}` } : null }
      } catch (e) {
        reports.drop(report)
        throw e
      }
    } catch (e) {
      if (e instanceof MappingError) throw new IngestError(400, 'file', e.message)
      throw e
    } finally {
      running = false
      await rm(dir, { recursive: true, force: true })
    }
  })

  app.get('/reports/:id', {
    schema: {
      tags: ['import'],
      summary: 'The whole error report of an import, as CSV (UTF-8 with BOM)',
      description: 'Readable with the key that made the import, or an operator key, for a day after it.',
      params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
      security: [{ apiKey: [] }],
      response: { 200: Type.String({ description: 'CSV: row, outcome (bad or skipped), column, problem, reason, externalId' }), ...ErrorResponses },
    },
    onRequest: [app.auth.write, importer],
  }, async (req, reply) => {
    const r = reports.get(req.params.id)
    // Another key's report is as unknown as one that never was.
    if (!r || (r.owner !== req.caller.id && req.caller.role !== 'operator'))
      throw new IngestError(404, 'id', `no import report ${req.params.id} (reports are kept for a day, the last ${ReportStore.KEEP})`)
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="import-${r.id}.csv"`)
      // A stream is sent as is (no serialisation); the schema above only documents the body.
      .send(createReadStream(r.path) as unknown as string)
  })
}

export default upload
