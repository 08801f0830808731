// Every kind of bad input gets a 4xx naming the field and the problem, and leaves nothing behind.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { AT, buildTestServer, counts, idem, post, reportBody, type TestServer } from '../helpers'

let s: TestServer
let registered: number
let before: ReturnType<typeof counts>

beforeAll(async () => {
  s = await buildTestServer()
  const r = await post(s.app, '/api/cases', reportBody(), s.keys.operator, {}).then((x) => x)
  expect(r.statusCode).toBe(400) // an operator must name the source
  const ok = await post(s.app, '/api/cases', reportBody(AT.a1, { source: 'app' }), s.keys.operator)
  registered = ok.json().id
  for (const action of ['verify', 'register'])
    expect((await post(s.app, `/api/cases/${registered}/actions`, { action }, s.keys.operator)).statusCode).toBe(200)
})
afterAll(() => s.close())
beforeEach(() => {
  before = counts(s.db)
})

/** The answer is the one error shape, with this status and field, and nothing was stored. */
function refused(r: { statusCode: number; json: () => any }, status: number, field: string, message?: RegExp) {
  const body = r.json()
  expect(r.statusCode).toBe(status)
  expect(body).toMatchObject({ statusCode: status, field })
  expect(typeof body.error).toBe('string')
  expect(body.message).toContain(field.split(/[.[]/)[0].split(',')[0])
  if (message) expect(body.message).toMatch(message)
  expect(counts(s.db)).toEqual(before)
}

describe('bad input to POST /api/cases', () => {
  test('malformed JSON', async () => {
    refused(await post(s.app, '/api/cases', '{"matter": "02001", "lon": ', s.keys.hotline), 400, 'body', /not valid JSON/)
  })

  test('a literal NaN is not JSON either', async () => {
    refused(await post(s.app, '/api/cases', '{"matter":"02001","lon":NaN,"lat":34.7,"description":"x"}', s.keys.hotline), 400, 'body')
  })

  test('wrong types', async () => {
    refused(await post(s.app, '/api/cases', reportBody(AT.a1, { lon: '113.52' }), s.keys.hotline), 400, 'lon', /must be a number \(got the string "113.52"\)/)
    refused(await post(s.app, '/api/cases', reportBody(AT.a1, { description: 42 }), s.keys.hotline), 400, 'description', /must be a string/)
  })

  test('missing fields', async () => {
    const { description: _, ...body } = reportBody()
    refused(await post(s.app, '/api/cases', body, s.keys.hotline), 400, 'description', /is required/)
  })

  test('unknown fields', async () => {
    refused(await post(s.app, '/api/cases', reportBody(AT.a1, { longitude: 1 }), s.keys.hotline), 400, 'longitude', /not a known field/)
  })

  test('unknown matter', async () => {
    refused(await post(s.app, '/api/cases', reportBody(AT.a1, { matter: '77777' }), s.keys.hotline), 422, 'matter', /unknown matter "77777"/)
  })

  test('NaN coordinates', async () => {
    refused(await post(s.app, '/api/cases', reportBody(AT.a1, { lat: 'NaN' }), s.keys.hotline), 400, 'lat', /must be a number/)
    refused(await post(s.app, '/api/cases', reportBody(AT.a1, { lon: null }), s.keys.hotline), 400, 'lon', /must be a number \(got null\)/)
  })

  test('swapped coordinates', async () => {
    refused(await post(s.app, '/api/cases', reportBody([AT.a1[1], AT.a1[0]]), s.keys.hotline), 422, 'lon,lat', /swapped/)
  })

  test('out-of-district coordinates', async () => {
    refused(await post(s.app, '/api/cases', reportBody(AT.outside), s.keys.hotline), 422, 'lon,lat', /outside the district/)
    refused(await post(s.app, '/api/cases', reportBody([200, 95]), s.keys.hotline), 400, 'lon,lat', /out of range/)
  })

  test('a description over 4,000 characters', async () => {
    refused(await post(s.app, '/api/cases', reportBody(AT.a1, { description: '井'.repeat(4001) }), s.keys.hotline), 400, 'description', /longer than 4000/)
  })

  test('dates without a timezone', async () => {
    for (const reportedAt of ['2026-11-26 10:00', '2026-11-26T10:00', '2026-11-26T10:00:00'])
      refused(await post(s.app, '/api/cases', reportBody(AT.a1, { reportedAt }), s.keys.hotline), 400, 'reportedAt', /timezone/)
  })

  test('an oversize body', async () => {
    const huge = JSON.stringify(reportBody(AT.a1, { address: 'x'.repeat(1_100_000) }))
    refused(await post(s.app, '/api/cases', huge, s.keys.hotline), 413, 'body', /larger than the limit of 1048576 bytes/)
  })

  test('a multipart body: only the import takes multipart/form-data', async () => {
    // (Multipart was parsed for every route, so this came as far as the schema: "body must be an object".)
    const payload = '--b\r\ncontent-disposition: form-data; name="matter"\r\n\r\n02001\r\n--b--\r\n'
    refused(await post(s.app, '/api/cases', payload, s.keys.hotline, { 'content-type': 'multipart/form-data; boundary=b' }), 415, 'content-type', /content-type/)
  })

  test('a missing idempotency-key', async () => {
    const r = await s.app.inject({
      method: 'POST', url: '/api/cases', payload: reportBody(), headers: { 'x-api-key': s.keys.hotline },
    })
    refused(r, 400, 'idempotency-key', /required/)
  })

  test('a replayed idempotency-key with a different body', async () => {
    const key = idem()
    const first = await post(s.app, '/api/cases', reportBody(), s.keys.hotline, { 'idempotency-key': key })
    expect(first.statusCode).toBe(201)
    before = counts(s.db)
    refused(await post(s.app, '/api/cases', reportBody(AT.a2), s.keys.hotline, { 'idempotency-key': key }), 409, 'idempotency-key', /different request body/)
  })

  test('a missing or invalid key', async () => {
    refused(await post(s.app, '/api/cases', reportBody(), null), 401, 'x-api-key', /required/)
    refused(await post(s.app, '/api/cases', reportBody(), 'os_w_not-a-real-key'), 401, 'x-api-key', /not a valid key/)
    refused(await post(s.app, '/api/cases', reportBody(), s.keys.viewer), 403, 'x-api-key', /cannot write/)
  })
})

describe('bad input to POST /api/cases/:id/actions', () => {
  const act = (id: number | string, body: unknown, key = s.keys.operator) => post(s.app, `/api/cases/${id}/actions`, body, key)

  test('unknown case', async () => {
    refused(await act(999, { action: 'verify' }), 404, 'id', /unknown case 999/)
  })

  test('a case id that is not a number', async () => {
    refused(await act('abc', { action: 'verify' }), 400, 'id')
  })

  test('unknown department', async () => {
    refused(await act(registered, { action: 'dispatch', data: { department: 'D99' } }), 422, 'data.department', /unknown department "D99"/)
  })

  test('an invalid transition names the state and the allowed actions', async () => {
    const r = await act(registered, { action: 'close' })
    refused(r, 409, 'action', /state "registered".*allowed: dispatch, extend, supervise, force_close, escalate/)
  })

  test('an unknown action, and a system-only one', async () => {
    refused(await act(registered, { action: 'teleport' }), 400, 'action', /must be one of/)
    refused(await act(registered, { action: 'overdue' }), 400, 'action', /must be one of/)
  })

  test('dates without a timezone', async () => {
    refused(await act(registered, { action: 'dispatch', at: '2026-11-26 10:00' }), 400, 'at', /timezone/)
    refused(await act(registered, { action: 'extend', data: { deadline: '2026-12-01T17:30:00' } }), 400, 'data.deadline', /timezone/)
  })

  test('a viewer scope violation: a street writer may not act on another street\'s case', async () => {
    refused(await act(registered, { action: 'supervise' }, s.keys.streetWriter), 403, 'id', /outside this key's scope/)
  })
})

describe('bad reads', () => {
  test('a street viewer cannot read another street\'s case or list it', async () => {
    const other = await post(s.app, '/api/cases', reportBody(AT.b1), s.keys.hotline)
    const id = other.json().id
    before = counts(s.db)
    const get = await s.app.inject({ url: `/api/cases/${id}`, headers: { authorization: `Bearer ${s.keys.streetViewer}` } })
    refused(get, 403, 'id', /outside this token's scope/)
    const list = await s.app.inject({ url: '/api/cases?grid=410103002', headers: { authorization: `Bearer ${s.keys.streetViewer}` } })
    refused(list, 403, 'grid', /outside this token's scope/)
  })

  test('an unknown state filter, a bad limit and an unknown parameter', async () => {
    refused(await s.app.inject('/api/cases?state=lost'), 400, 'state', /"lost" is not one of/)
    refused(await s.app.inject('/api/cases?limit=100000'), 400, 'limit')
    refused(await s.app.inject('/api/cases?colour=red'), 400, 'colour', /not a known field/)
    refused(await s.app.inject('/api/cases?from=2026-11-26'), 400, 'from', /timezone/)
  })
})
