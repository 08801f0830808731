// An import writes with the import's page cache, and the live writes get theirs back after it (db/index PAGE_CACHE:
// every COMMIT walks the whole cache, so the live writes keep a small one; an import needs a large one).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../../../../server/app'
import { testConfig } from '../../../../../server/config'
import { PAGE_CACHE } from '../../../../../server/db'
import { Keys } from '../../../../../server/keys'
import { writeSample } from '../../../../../fixtures/generate/hotline-export'
import { districtDb } from '../../../import/district'
import { multipart } from './multipart'

const dir = mkdtempSync(join(tmpdir(), 'onescreen-import-cache-'))
let app: FastifyInstance
let key: string

beforeAll(async () => {
  await writeSample(join(dir, 'sample'))
  const db = districtDb()
  key = new Keys(db).create({ role: 'write', source: 'import', name: 'hotline import' }).secret
  // The defaults, as a server starts with no setting.
  app = buildApp(testConfig(), { db })
  await app.ready()
})
afterAll(async () => {
  await app.close()
  rmSync(dir, { recursive: true, force: true })
})

const cacheMb = () => -(app.db.$client.pragma('cache_size', { simple: true }) as number) / 1024

it('commits an import with the import cache, and the live writes with the small one before and after', async () => {
  expect(PAGE_CACHE.liveMb).toBeLessThan(PAGE_CACHE.importMb)
  expect(cacheMb()).toBe(PAGE_CACHE.liveMb)
  const during: number[] = []
  const listen = () => during.push(cacheMb())
  app.ingest.on('committed', listen)
  const { payload, headers } = multipart([{ name: 'file', filename: 'x.csv', content: readFileSync(join(dir, 'sample.csv')), type: 'text/csv' }])
  const r = await app.inject({ method: 'POST', url: '/api/import', payload, headers: { ...headers, 'x-api-key': key } })
  app.ingest.off('committed', listen)
  expect(r.statusCode, r.body).toBe(200)
  expect(JSON.parse(r.body).imported).toBeGreaterThan(0)
  expect(during.length).toBeGreaterThan(0)
  expect(new Set(during)).toEqual(new Set([PAGE_CACHE.importMb]))
  expect(cacheMb()).toBe(PAGE_CACHE.liveMb)
})

it('gives the live writes their cache back when an import fails', async () => {
  const { payload, headers } = multipart([{ name: 'file', filename: 'x.xlsx', content: Buffer.from('not a spreadsheet'), type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }])
  const r = await app.inject({ method: 'POST', url: '/api/import', payload, headers: { ...headers, 'x-api-key': key } })
  expect(r.statusCode).toBeGreaterThanOrEqual(400)
  expect(cacheMb()).toBe(PAGE_CACHE.liveMb)
})
