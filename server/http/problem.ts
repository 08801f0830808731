// Every 4xx answer has one shape: { statusCode, error, field?, message }, naming the field and the problem.
// This maps what can go wrong (schema validation, JSON parsing, body size, ingest refusals) onto it.
import { STATUS_CODES } from 'node:http'
import type { FastifyError } from 'fastify'
import { IngestError } from '../cases/errors'

export interface Problem {
  statusCode: number
  error: string
  field?: string
  message: string
}

/** One schema error as TypeBox (and AJV) report it. */
export interface SchemaError {
  keyword: string
  instancePath: string
  params: Record<string, unknown>
  message?: string
}

export function problem(statusCode: number, message: string, field?: string): Problem {
  return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', ...(field === undefined ? {} : { field }), message }
}

/** '/items/3/matter' → 'items[3].matter' */
export function fieldPath(instancePath: string, leaf?: string): string {
  const parts = instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
  if (leaf !== undefined) parts.push(leaf)
  return parts.reduce((out, p) => (/^\d+$/.test(p) ? `${out}[${p}]` : out ? `${out}.${p}` : p), '')
}

// Errors that only echo another (a false sub-schema, a union summary) say less than the ones they follow.
const ECHOES = new Set(['boolean', 'anyOf', 'oneOf', 'if'])

/** The most telling of a list of schema errors, as a field and a sentence. */
export function describeSchemaErrors(errors: readonly SchemaError[], context = 'body', data?: unknown): { field: string; message: string } {
  const e = errors.find((x) => !ECHOES.has(x.keyword)) ?? errors[0]
  const p = e.params ?? {}
  let leaf: string | undefined
  if (e.keyword === 'required') leaf = String((p.requiredProperties as string[] | undefined)?.[0] ?? p.missingProperty)
  if (e.keyword === 'additionalProperties') leaf = String((p.additionalProperties as string[] | undefined)?.[0] ?? p.additionalProperty)
  const field = fieldPath(e.instancePath, leaf) || context
  switch (e.keyword) {
    case 'required':
      return { field, message: `${field} is required` }
    case 'additionalProperties':
      return { field, message: `${field} is not a known field` }
    case 'type':
      return { field, message: `${field} must be ${article(String(p.type))}${got(data, e.instancePath)}` }
    case 'enum':
      return { field, message: `${field} must be one of ${(p.allowedValues as unknown[]).join(', ')}` }
    case 'format':
      if (p.format === 'date-time')
        return { field, message: `${field} must be a date-time with a timezone, e.g. 2026-11-26T10:00:00+08:00 (RFC 3339)` }
      return { field, message: `${field} must be a valid ${String(p.format)}` }
    case 'maxLength':
      return { field, message: `${field} is longer than ${p.limit} characters` }
    case 'maxItems':
      return { field, message: `${field} has more than ${p.limit} items` }
    default:
      return { field, message: `${field} ${e.message ?? 'is not valid'}` }
  }
}

/** ' (got string)': the JSON type actually found at a path, when the data is at hand. */
function got(data: unknown, instancePath: string): string {
  if (data === undefined) return ''
  let v: unknown = data
  for (const part of instancePath.split('/').slice(1)) {
    if (v === null || typeof v !== 'object') return ''
    v = (v as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')]
  }
  const type = v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v
  return ` (got ${type === 'string' ? `the string ${JSON.stringify(String(v).slice(0, 40))}` : type})`
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`
}

/** Any error thrown while handling a request → its status and body. 5xx bodies never leak internals. */
export function toProblem(err: FastifyError | IngestError | Error, ctx: { body?: unknown; bodyLimit?: number } = {}): Problem {
  if (err instanceof IngestError) {
    // The message always names the field, even where the sentence reads better without it.
    const named = err.field === undefined || err.message.includes(err.field.split(/[.[,]/)[0])
    return problem(err.statusCode, named ? err.message : `${err.field}: ${err.message}`, err.field)
  }
  const fe = err as FastifyError & { validation?: SchemaError[]; validationContext?: string }
  if (fe.validation && fe.validation.length > 0) {
    const context = fe.validationContext ?? 'body'
    const { field, message } = describeSchemaErrors(fe.validation, context, context === 'body' ? ctx.body : undefined)
    return problem(400, context === 'body' || field !== context ? message : `${context}: ${message}`, field)
  }
  switch (fe.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return problem(400, 'body is not valid JSON', 'body')
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return problem(400, 'body is empty but content-type is application/json', 'body')
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return problem(413, `body is larger than the limit${ctx.bodyLimit ? ` of ${ctx.bodyLimit} bytes` : ''}`, 'body')
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return problem(415, 'body has a content-type this route does not accept (use application/json)', 'content-type')
  }
  const status = fe.statusCode ?? 500
  if (status >= 400 && status < 500) return problem(status, fe.message)
  return problem(500, 'internal error; the request may or may not have been stored — retry with the same idempotency-key')
}
