// Request validation: a header schema of plain strings is checked as sent (no converted copy of every header),
// on every write route, the batch (whose body has a compiler of its own) included; refusals still name the field.
import { afterAll, beforeAll, expect, test } from 'vitest'
import { buildTestServer, type TestServer } from '../helpers'
import { compileValidator } from '../../../server/http/validator'
import { WriteHeaders } from '../../../server/http/schemas'

let s: TestServer
beforeAll(async () => (s = await buildTestServer()))
afterAll(() => s.close())

test('write headers are checked as they are, not converted first', () => {
  const check = compileValidator({ schema: WriteHeaders, httpPart: 'headers', method: 'POST', url: '/x' } as never) as (v: unknown) => { value?: unknown; error?: unknown }
  const headers = { 'idempotency-key': 'k-1', 'x-api-key': 'secret', 'content-length': '12' }
  expect(check(headers).value).toBe(headers)
  expect(check({ 'idempotency-key': '' }).error).toBeTruthy()
})

test('the batch route refuses a missing or malformed idempotency-key, naming it', async () => {
  const items = [{ type: 'act', id: 1, action: 'verify' }]
  for (const headers of [{}, { 'idempotency-key': 'has space' }]) {
    const r = await s.app.inject({ method: 'POST', url: '/api/ingest/batch', payload: { items }, headers: { 'x-api-key': s.keys.importer, ...headers } })
    expect(r.statusCode, r.body).toBe(400)
    expect(r.json()).toMatchObject({ statusCode: 400, field: 'idempotency-key' })
  }
})
