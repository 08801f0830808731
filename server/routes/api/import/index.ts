// POST /api/import: upload a 12345 export (multipart/form-data, field `file`, .xlsx or .csv; an optional
// `mapping` field with the column mapping as JSON must come before the file). Needs an import key (a write
// key of source "import") or an operator key. Answers the import summary once every good row is committed:
// bad rows are listed with row, column and reason; rows already imported (same 工单编号) are skipped.
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { IngestError } from '../../../cases/errors'
import { ErrorResponses } from '../../../http/schemas'
import { problem } from '../../../http/problem'
import { fileKind, importStream, SKIPPED_LISTED } from '../../../import/importer'
import { loadMapping, MappingError } from '../../../import/mapping'

/** Largest export accepted: a 100,000-row XLSX is ~10 MB, the same rows as CSV ~30 MB. */
export const IMPORT_MAX_BYTES = 128 << 20

const Summary = Type.Object({
  rows: Type.Integer({ description: 'Data rows read (header not counted)' }),
  imported: Type.Integer(),
  skipped: Type.Integer({ description: 'Rows whose 工单编号 was already imported (or repeated in the file)' }),
  bad: Type.Integer({ description: 'Rows refused; each is listed in errors' }),
  errors: Type.Array(Type.Object({ row: Type.Integer(), column: Type.String(), reason: Type.String() })),
  skippedRows: Type.Array(
    Type.Object({ row: Type.Integer(), externalId: Type.String(), reason: Type.String() }),
    { description: `The first ${SKIPPED_LISTED} skipped rows` },
  ),
  ms: Type.Integer(),
})

const upload: FastifyPluginAsyncTypebox = async (app) => {
  app.post('/', {
    schema: {
      tags: ['import'],
      summary: 'Import a 12345 work-order export (XLSX or CSV)',
      description:
        'multipart/form-data with a `file` field (and optionally a `mapping` JSON field before it). Good rows are ' +
        'kept and bad rows reported; re-importing a file skips the orders already imported.',
      consumes: ['multipart/form-data'],
      security: [{ apiKey: [] }],
      response: { 200: Summary, ...ErrorResponses, 415: ErrorResponses[400] },
    },
    onRequest: app.auth.write,
  }, async (req, reply) => {
    const caller = req.caller
    if (caller.role !== 'operator' && caller.source !== 'import')
      throw new IngestError(403, 'x-api-key', 'importing needs an import key (a write key of source "import") or an operator key')
    if (!req.isMultipart())
      return reply.code(415).send(problem(415, 'send multipart/form-data with the export in a `file` field', 'content-type'))
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

    // Spool to disk first: a truncated upload must not import half a file.
    const dir = await mkdtemp(join(tmpdir(), 'onescreen-import-'))
    try {
      const path = join(dir, 'export')
      await pipeline(part.file, createWriteStream(path))
      if (part.file.truncated) throw new IngestError(413, 'file', `the file is larger than ${IMPORT_MAX_BYTES} bytes`)
      const kind = (await fileKind(path)) === 'xlsx' || /\.xlsx$/i.test(part.filename) ? 'xlsx' : 'csv'
      const summary = await importStream(app, createReadStream(path), kind, { mapping })
      req.log.info({ file: part.filename, rows: summary.rows, imported: summary.imported, skipped: summary.skipped, bad: summary.bad }, '12345 import')
      return summary
    } catch (e) {
      if (e instanceof MappingError) throw new IngestError(400, 'file', e.message)
      throw e
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
}

export default upload
