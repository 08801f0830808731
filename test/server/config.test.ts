import { afterAll, expect, test } from 'vitest'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadConfig } from '../../server/config'
import { DEFAULT_CALENDAR } from '../../shared/timelimit'
import { DEFAULT_INDICATOR_CONFIG } from '../../shared/indicators'

const dir = mkdtempSync(join(tmpdir(), 'onescreen-config-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

test('defaults: port 3000, data/onescreen.db, demo on, 250 ms ticks, the default calendar and indicators', () => {
  const c = loadConfig({})
  expect(c).toMatchObject({ port: 3000, host: '0.0.0.0', dbFile: 'data/onescreen.db', demo: true, tickMs: 250, seedCases: 289_000 })
  expect(c.bodyLimit).toBe(1 << 20)
  expect(c.calendar).toBe(DEFAULT_CALENDAR)
  expect(c.indicators).toEqual(DEFAULT_INDICATOR_CONFIG)
})

test('every setting is read from the environment', () => {
  const file = join(dir, 'cal.json')
  writeFileSync(file, JSON.stringify({ holidays: ['2027-01-01'] }))
  const c = loadConfig({
    PORT: '8080', HOST: '127.0.0.1', ONESCREEN_DB: '/tmp/x.db', ONESCREEN_DEMO: 'off', ONESCREEN_TICK_MS: '500',
    ONESCREEN_BODY_LIMIT: '65536', ONESCREEN_BATCH_BODY_LIMIT: '1048576', ONESCREEN_BATCH_MAX: '200',
    ONESCREEN_RATE_MAX: '10', ONESCREEN_RATE_KEY_MAX: '20', ONESCREEN_RATE_WINDOW_MS: '30000', ONESCREEN_CALENDAR: file,
    ONESCREEN_SATISFACTION_K: '0.9', ONESCREEN_THREE_RATE_WEIGHTS: '0.2,0.4,0.4', ONESCREEN_EXTENSION_DENOMINATOR: 'dueClose',
    ONESCREEN_SEED_CASES: '5000', ONESCREEN_IDEMPOTENCY_TTL_HOURS: '24', ONESCREEN_CLIENT_DIR: 'build', LOG_LEVEL: 'warn',
    ONESCREEN_LOG_REQUESTS: 'yes', ONESCREEN_DB_CACHE_MB: '128', ONESCREEN_DB_IMPORT_CACHE_MB: '256',
  })
  expect(c).toMatchObject({
    port: 8080, host: '127.0.0.1', dbFile: '/tmp/x.db', demo: false, tickMs: 500, bodyLimit: 65536, batchBodyLimit: 1048576,
    batchMax: 200, rateLimit: { anonymousMax: 10, keyMax: 20, windowMs: 30000 }, seedCases: 5000,
    idempotencyTtlMs: 24 * 3_600_000, clientDir: 'build', logLevel: 'warn', logRequests: true, dbCacheMb: 128, dbImportCacheMb: 256,
    indicators: { basicSatisfiedWeight: 0.9, threeRateWeights: { response: 0.2, resolution: 0.4, satisfaction: 0.4 }, extensionDenominator: 'dueClose' },
  })
  // The file adds to the built-in holidays (it does not replace them).
  expect(c.calendar.holidays).toEqual(expect.arrayContaining(['2026-10-01', '2027-01-01']))
  expect(c.calendar.workingHours).toEqual(DEFAULT_CALENDAR.workingHours)
})

test.each([
  ['PORT', 'http'],
  ['ONESCREEN_DEMO', 'maybe'],
  ['ONESCREEN_TICK_MS', '5'],
  ['ONESCREEN_FRAME_MIN_MS', '5'],
  ['ONESCREEN_FRAME_COALESCE_MS', '-1'],
  ['ONESCREEN_FRAME_MS_PER_SCREEN', 'fast'],
  ['ONESCREEN_FRAME_ROUND_GAP_MS', '-1'],
  ['ONESCREEN_SATISFACTION_K', '1.5'],
  ['ONESCREEN_THREE_RATE_WEIGHTS', '0.5,0.5'],
  ['ONESCREEN_EXTENSION_DENOMINATOR', 'received'],
  ['ONESCREEN_CALENDAR', '/nonexistent/calendar.json'],
])('a bad %s stops the start, naming the variable', (name, value) => {
  expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`^config: ${name}=`))
})

test('a calendar without working hours is refused', () => {
  const file = join(dir, 'bad.json')
  writeFileSync(file, JSON.stringify({ workingHours: [] }))
  expect(() => loadConfig({ ONESCREEN_CALENDAR: file })).toThrow(/ONESCREEN_CALENDAR.*no working hours/)
})
