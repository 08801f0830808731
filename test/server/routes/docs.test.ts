// The API docs at /docs render in a real browser under the server's own CSP (no external origin, no inline
// script): a CSP too strict for its own pages would only show up here.
import { afterAll, beforeAll, expect, test } from 'vitest'
import { chromium, type BrowserContext } from 'playwright-core'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildTestServer, type TestServer } from '../helpers'

let s: TestServer
let ctx: BrowserContext
let profile: string

beforeAll(async () => {
  s = await buildTestServer()
  await s.app.listen({ port: 0, host: '127.0.0.1' })
  profile = mkdtempSync(join(tmpdir(), 'onescreen-docs-'))
  ctx = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--enable-unsafe-swiftshader'],
  })
})
afterAll(async () => {
  await ctx?.close()
  await s?.close()
  rmSync(profile, { recursive: true, force: true })
})

test('the OpenAPI page renders with no console errors (CSP violations show up as errors)', async () => {
  const port = (s.app.server.address() as { port: number }).port
  const page = await ctx.newPage()
  const errors: string[] = []
  page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())))
  await page.goto(`http://127.0.0.1:${port}/docs/`)
  await page.waitForSelector('.swagger-ui .info .title', { timeout: 20_000 })
  expect(await page.textContent('.swagger-ui .info .title')).toContain('OneScreen API')
  await page.waitForSelector('.opblock-summary-path[data-path="/api/ingest/batch"]', { timeout: 20_000 })
  expect(errors).toEqual([])
}, 60_000)
