import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AT, counts, MATTERS, type TestServer } from '../../helpers'
import { both, DEFINED, FORM, form, open311Server } from './client'

let s: TestServer
beforeAll(async () => {
  s = await open311Server()
})
afterAll(() => s.close())

const post = (fields: Record<string, string | number | string[]>, headers: Record<string, string> = {}) =>
  ({ method: 'POST' as const, url: '/open311/v2/requests.{fmt}', headers: { ...FORM, ...headers }, payload: form(fields) })

const at = (p: readonly [number, number]) => ({ lat: p[1], long: p[0] })

/** Post as XML and as JSON; both must be refused alike and store nothing. */
async function refused(fields: Record<string, string | number | string[]>, status: number, description: RegExp, headers = {}) {
  const before = counts(s.db)
  const a = await both(s.app, post(fields, headers), 'errors')
  expect(a.status).toBe(status)
  expect(a.json).toHaveLength(1)
  expect(a.json[0].code).toBe(status)
  expect(a.json[0].description).toMatch(description)
  expect(counts(s.db)).toEqual(before)
  return a
}

describe('POST requests', () => {
  it('reports a case through the ingest and answers the new service_request_id', async () => {
    for (const fmt of ['xml', 'json'] as const) {
      const r = await s.app.inject({
        method: 'POST', url: `/open311/v2/requests.${fmt}`, headers: FORM,
        payload: form({
          api_key: s.keys.patrol, jurisdiction_id: 'erqi.gov.cn', service_code: MATTERS.litter, ...at(AT.a1),
          address_string: '大学路 12 号', email: 'a@b.cn', device_id: 'dev-1', account_id: 'acct-7',
          first_name: '小明', last_name: '王', phone: '13812345678', description: '路口有一堆垃圾\n很臭',
          media_url: 'https://img.example/1.jpg',
        }),
      })
      expect(r.statusCode, r.body).toBe(200)
      const doc = fmt === 'json' ? JSON.parse(r.body)[0] : (await import('./client')).xmlParser.parse(r.body).service_requests.request[0]
      const id = Number(doc.service_request_id)
      expect(doc.service_notice).toBe('已受理，待核实立案；承办单位：城市管理局；处置时限：1 自然日')
      expect(doc.account_id).toBe('acct-7')
      expect(doc.token).toBeUndefined() // realtime: an id, never a token as well
      const row = s.app.cases.get(id)!
      expect(row).toMatchObject({
        source: 'patrol', matter: MATTERS.litter, grid: '4101030010010101', lon: AT.a1[0], lat: AT.a1[1],
        address: '大学路 12 号', description: '路口有一堆垃圾\n很臭', reporterName: '王小明', reporterPhone: '13812345678',
        mediaUrl: 'https://img.example/1.jpg', state: 'reported',
      })
      expect(s.app.cases.events(id).map((e) => [e.action, e.actor])).toEqual([['report', 'open311:patrol app']])
    }
  })

  it('checks attributes against the service definition and keeps them with the case', async () => {
    const r = await s.app.inject({
      method: 'POST', url: '/open311/v2/requests.json', headers: FORM,
      payload: form({
        api_key: s.keys.hotline, service_code: DEFINED, ...at(AT.b1), description: '井盖没了',
        'attribute[cover_type]': 'round', 'attribute[hazards][]': ['night', 'school'], 'attribute[depth]': '1.5',
        'attribute[seen_at]': '2026-11-26T08:00:00+08:00',
      }),
    })
    expect(r.statusCode, r.body).toBe(200)
    const row = s.app.cases.get(Number(JSON.parse(r.body)[0].service_request_id))!
    expect(row.source).toBe('hotline')
    expect(row.description).toBe('井盖没了\n【补充信息】井盖类型：圆形井盖；危险情况：夜间无照明、靠近学校；深度(米)：1.5；发现时间：2026-11-26T08:00:00+08:00')
  })

  it('finds a place from address_id (a grid code) or a community named in address_string', async () => {
    const byId = await s.app.inject({ method: 'POST', url: '/open311/v2/requests.json', headers: FORM,
      payload: form({ api_key: s.keys.patrol, service_code: MATTERS.leak, address_id: '4101030020010101', description: '漏水' }) })
    expect(byId.statusCode, byId.body).toBe(200)
    expect(s.app.cases.get(Number(JSON.parse(byId.body)[0].service_request_id))!.grid).toBe('4101030020010101')
    const byName = await s.app.inject({ method: 'POST', url: '/open311/v2/requests.json', headers: FORM,
      payload: form({ api_key: s.keys.patrol, service_code: MATTERS.leak, address_string: '二七区德化街街道社区B某小区门口', description: '漏水' }) })
    expect(byName.statusCode, byName.body).toBe(200)
    const row = s.app.cases.get(Number(JSON.parse(byName.body)[0].service_request_id))!
    expect(row.grid.startsWith('410103002001')).toBe(true)
    expect(row.address).toBe('二七区德化街街道社区B某小区门口')
  })

  it('refuses a missing, unknown or read-only api_key with 403', async () => {
    const base = { service_code: MATTERS.litter, ...at(AT.a1), description: 'x' }
    await refused(base, 403, /api_key was not provided/)
    await refused({ ...base, api_key: 'os_w_nope' }, 403, /api_key is not valid/)
    await refused({ ...base, api_key: s.keys.viewer }, 403, /viewer token/)
    // A key scoped to street 410103002 may not report in street 410103001.
    await refused({ ...base, api_key: s.keys.streetWriter }, 403, /scope|outside/)
  })

  it('refuses an unknown service_code with 404 and a missing one with 400', async () => {
    await refused({ api_key: s.keys.patrol, service_code: '77777', ...at(AT.a1) }, 404, /service_code "77777" was not found/)
    await refused({ api_key: s.keys.patrol, ...at(AT.a1) }, 400, /service_code was not provided/)
    // An empty parameter counts as not sent.
    await refused({ api_key: s.keys.patrol, service_code: '', ...at(AT.a1) }, 400, /service_code was not provided/)
  })

  it('refuses bad or missing locations with 400', async () => {
    const base = { api_key: s.keys.patrol, service_code: MATTERS.litter, description: 'x' }
    await refused(base, 400, /a location is required/)
    await refused({ ...base, lat: AT.a1[1] }, 400, /lat and long must both be sent/)
    await refused({ ...base, lat: 'north', long: AT.a1[0] }, 400, /lat must be a WGS84 decimal degree/)
    await refused({ ...base, ...at(AT.outside) }, 400, /^lat\/long long=113.9, lat=34.9 lies outside the district/)
    await refused({ ...base, address_string: 'somewhere on the moon' }, 400, /could not be geocoded/)
    await refused({ ...base, address_id: '999' }, 400, /address_id "999" is not a grid code/)
    await refused({ ...base, address_id: '410103001' }, 400, /whole street/)
  })

  it('refuses attributes the definition does not allow, naming each problem', async () => {
    const base = { api_key: s.keys.patrol, service_code: DEFINED, ...at(AT.b1) }
    await refused(base, 400, /attribute\[cover_type\] \(井盖类型\) is required/)
    await refused({ ...base, 'attribute[cover_type]': 'hexagon' }, 400, /"hexagon" is not one of the keys round, square/)
    await refused({ ...base, 'attribute[cover_type]': ['round', 'square'] }, 400, /takes one value/)
    await refused({ ...base, 'attribute[cover_type]': 'round', 'attribute[depth]': 'deep' }, 400, /attribute\[depth\] must be a number/)
    await refused({ ...base, 'attribute[cover_type]': 'round', 'attribute[seen_at]': '2026-11-26 08:00' }, 400, /with a timezone/)
    await refused({ ...base, 'attribute[cover_type]': 'round', 'attribute[colour]': 'red' }, 400, /attribute\[colour\] is not an attribute/)
    // Several problems at once come back as several errors.
    const many = await both(s.app, post({ ...base, 'attribute[depth]': 'deep', 'attribute[colour]': 'red' }), 'errors')
    expect(many.status).toBe(400)
    expect(many.json).toHaveLength(3)
    expect(many.xml.error).toHaveLength(3)
  })

  it('refuses a description over 4,000 characters and a bad phone or media_url', async () => {
    const base = { api_key: s.keys.patrol, service_code: MATTERS.litter, ...at(AT.a1) }
    expect((await s.app.inject({ method: 'POST', url: '/open311/v2/requests.json', headers: FORM,
      payload: form({ ...base, description: '垃'.repeat(4000) }) })).statusCode).toBe(200)
    await refused({ ...base, description: '垃'.repeat(4001) }, 400, /description is longer than 4000 characters/)
    await refused({ ...base, phone: 'call me' }, 400, /^phone must be a phone number/)
    await refused({ ...base, media_url: 'javascript:alert(1)' }, 400, /^media_url must be an http/)
  })

  it('replays an idempotent POST and resolves its key as a token', async () => {
    const fields = { api_key: s.keys.patrol, service_code: MATTERS.litter, ...at(AT.a2), description: '重试' }
    const first = await s.app.inject({ method: 'POST', url: '/open311/v2/requests.json', headers: { ...FORM, 'idempotency-key': 'app-42' }, payload: form(fields) })
    expect(first.statusCode).toBe(200)
    const before = counts(s.db)
    const again = await both(s.app, post(fields, { 'idempotency-key': 'app-42' }), 'service_requests')
    expect(again.status).toBe(200)
    expect(again.json).toEqual(JSON.parse(first.body))
    expect(counts(s.db)).toEqual(before)
    await refused({ ...fields, description: '不同的内容' }, 400, /idempotency-key was already used/, { 'idempotency-key': 'app-42' })

    const token = await both(s.app, { url: '/open311/v2/tokens/app-42.{fmt}' }, 'service_requests')
    expect(token.status).toBe(200)
    expect(token.json).toEqual([{ service_request_id: JSON.parse(first.body)[0].service_request_id, token: 'app-42' }])
    const unknown = await both(s.app, { url: '/open311/v2/tokens/never-used.{fmt}' }, 'errors')
    expect(unknown.status).toBe(404)
    expect(unknown.json[0].description).toBe('token "never-used" was not found')
  })
})
