import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { buildTestServer, suiteServer, MATTERS, type TestServer } from '../helpers'

describe('the assembled app', () => {
  let s: TestServer
  let client: string
  beforeAll(async () => {
    client = mkdtempSync(join(tmpdir(), 'onescreen-client-'))
    mkdirSync(join(client, 'assets'))
    writeFileSync(join(client, 'index.html'), '<!doctype html><title>OneScreen</title><div id="app"></div>')
    writeFileSync(join(client, 'assets', 'main-abc123.js'), 'console.log(1)')
    s = await buildTestServer({ clientDir: client })
  })
  afterAll(() => s.close())

  test('GET /api/health reports the database and what it holds', async () => {
    const h = (await s.app.inject('/api/health')).json()
    expect(h).toMatchObject({ ok: true, db: 'ok', cases: 0, events: 0 })
    expect(h.uptime).toBeGreaterThan(0)
  })

  test('GET /api/catalogue lists departments and matters', async () => {
    const c = (await s.app.inject('/api/catalogue')).json()
    expect(c.departments.map((d: { code: string }) => d.code)).toEqual(['D01', 'D02'])
    expect(c.matters.find((m: { code: string }) => m.code === MATTERS.manhole)).toMatchObject({
      department: 'D02', limitKind: 'working_days', limitValue: 3, attributes: null,
    })
  })

  test('OpenAPI docs at /docs describe the case routes', async () => {
    expect((await s.app.inject('/docs/')).statusCode).toBe(200)
    const spec = (await s.app.inject('/docs/json')).json()
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/api/cases/', '/api/cases/{id}/actions', '/api/cases/{id}', '/api/ingest/batch', '/api/grids', '/api/health']))
    expect(spec.paths['/api/cases/'].post.requestBody.content['application/json'].schema.properties.description.maxLength).toBe(4000)
  })

  test('security headers on pages: a CSP with no external origin, workers from blob:, no upgrade to https', async () => {
    for (const url of ['/', '/docs/', '/assets/main-abc123.js']) {
      const r = await s.app.inject(url)
      const csp = r.headers['content-security-policy'] as string
      expect(csp).toContain("default-src 'self'")
      expect(csp).toContain("worker-src 'self' blob:")
      expect(csp).not.toMatch(/https?:/)
      expect(csp).not.toContain('upgrade-insecure-requests')
      expect(r.headers['strict-transport-security']).toBeUndefined()
      expect(r.headers['x-frame-options']).toBe('SAMEORIGIN')
      expect(r.headers['x-content-type-options']).toBe('nosniff')
    }
  })

  test('security headers on API answers: nothing loads, nothing frames, no sniffing', async () => {
    const refused = () => s.app.inject({ method: 'POST', url: '/api/cases', payload: {}, headers: { 'x-api-key': 'os_w_unknown' } })
    for (const r of [await s.app.inject('/api/health'), await s.app.inject('/api/nothing-here'), await refused()]) {
      expect(r.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'")
      expect(r.headers['x-content-type-options']).toBe('nosniff')
      expect(r.headers['x-frame-options']).toBe('DENY')
      expect(r.headers['x-ratelimit-remaining']).toBeUndefined()
    }
  })

  test('the client is served at / and /tablet, hashed assets are cached for good', async () => {
    for (const url of ['/', '/tablet']) {
      const r = await s.app.inject(url)
      expect(r.statusCode).toBe(200)
      expect(r.body).toContain('<div id="app">')
      expect(r.headers['cache-control']).toBe('no-cache')
    }
    const asset = await s.app.inject('/assets/main-abc123.js')
    expect(asset.headers['cache-control']).toContain('immutable')
    const deep = await s.app.inject({ url: '/tablet/grid/4101030010010101', headers: { accept: 'text/html' } })
    expect(deep.body).toContain('<div id="app">')
  })

  test('an unknown API path is a JSON 404 in the one error shape', async () => {
    const r = await s.app.inject('/api/nothing-here')
    expect(r.statusCode).toBe(404)
    expect(r.json()).toMatchObject({ statusCode: 404, error: 'Not Found', message: expect.stringContaining('/api/nothing-here') })
  })
})

describe('rate limits', () => {
  let s: TestServer
  suiteServer((x) => (s = x), { rateLimit: { anonymousMax: 3, keyMax: 5, windowMs: 60_000 } })

  test('anonymous callers are limited per IP, callers with a token per token, in the one error shape', async () => {
    const codes = []
    for (let i = 0; i < 4; i++) codes.push((await s.app.inject('/api/catalogue')).statusCode)
    expect(codes).toEqual([200, 200, 200, 429])
    const limited = await s.app.inject('/api/catalogue')
    expect(limited.json()).toMatchObject({ statusCode: 429, error: 'Too Many Requests' })
    expect(limited.headers['retry-after']).toBeDefined()
    // A token has its own, larger bucket.
    const withToken = await s.app.inject({ url: '/api/catalogue', headers: { authorization: `Bearer ${s.keys.viewer}` } })
    expect(withToken.statusCode).toBe(200)
  })
})

describe('the catalogue is cached', () => {
  let s: TestServer
  suiteServer((x) => (s = x))

  test('gzipped when accepted, 304 when unchanged', async () => {
    const plain = await s.app.inject('/api/catalogue')
    const zipped = await s.app.inject({ url: '/api/catalogue', headers: { 'accept-encoding': 'gzip' } })
    expect(zipped.headers['content-encoding']).toBe('gzip')
    expect(gunzipSync(zipped.rawPayload).toString()).toBe(plain.body)
    const again = await s.app.inject({ url: '/api/catalogue', headers: { 'if-none-match': plain.headers.etag as string } })
    expect(again.statusCode).toBe(304)
  })
})
