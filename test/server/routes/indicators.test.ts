// GET /api/indicators: the terms behind each indicator as the server computed them with ITS configuration.
// With ONESCREEN_SATISFACTION_K=0.9 a 基本满意 counts 0.9, so the formula pop-up's numerator must be
// satisfied + 0.9·basic (the client used to recompute it with the default k = 1: 2 / 2 beside 95 %).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AT, buildTestServer, MATTERS, type TestServer } from '../helpers'
import { loadConfig } from '../../../server/config'
import type { Command, Rating } from '../../../shared/workflow'
import type { IndicatorTermsView } from '../../../shared/api'

const step = (action: Command['action'], at: number, data?: Command['data']): Command => ({ action, actor: 'test', at, ...(data ? { data } : {}) })

let s: TestServer
beforeAll(async () => {
  const { indicators } = loadConfig({ ONESCREEN_SATISFACTION_K: '0.9', ONESCREEN_EXTENSION_DENOMINATOR: 'dueClose' })
  s = await buildTestServer({ indicators })
  const t = Date.now() - 3_600_000
  const rated = (rating: Rating, at: readonly [number, number]) =>
    s.app.ingest.report({
      source: 'app', matter: MATTERS.litter, lon: at[0], lat: at[1], description: '垃圾', actor: 'test', reportedAt: t,
      then: [step('verify', t), step('register', t), step('dispatch', t), step('handle', t), step('check', t), step('close', t), step('rate', t, { rating })],
    })
  rated('satisfied', AT.a1)
  rated('basic', AT.a1)
  rated('basic', AT.b1)
})
afterAll(() => s?.close())

const get = async (query: string) => {
  const r = await s.app.inject(`/api/indicators${query}`)
  return { status: r.statusCode, body: r.json() as IndicatorTermsView }
}

describe('GET /api/indicators', () => {
  it('gives the satisfaction terms with the configured k, and a value that is exactly their quotient', async () => {
    await expect.poll(async () => (await get('?window=all')).body.indicators.satisfactionRate.denominator).toBe(3)
    const { status, body } = await get('?window=all')
    expect(status).toBe(200)
    expect(body.grid).toBe('410103')
    const sat = body.indicators.satisfactionRate
    expect(sat.numerator).toBeCloseTo(1 + 0.9 * 2, 9)
    expect(sat.value).toBeCloseTo(sat.numerator! / sat.denominator, 12)
    // The configured 延期率 denominator (应结案数) is the one given.
    expect(body.indicators.extensionRate.denominator).toBe(body.indicators.closureRate.denominator)
    expect(body.indicators.threeRateComposite.numerator).toBeNull()
  })

  it('answers for a grid node and window, limited to the caller scope', async () => {
    const street = await s.app.inject({ url: '/api/indicators?grid=410103001&window=all', headers: { authorization: `Bearer ${s.keys.streetViewer}` } })
    expect(street.statusCode).toBe(200)
    expect((street.json() as IndicatorTermsView).indicators.satisfactionRate.denominator).toBe(2)
    const neighbour = await s.app.inject({ url: '/api/indicators?grid=410103002', headers: { authorization: `Bearer ${s.keys.streetViewer}` } })
    expect(neighbour.statusCode).toBe(403)
    expect((await get('?grid=410103999')).status).toBe(404)
    expect((await get('?window=year')).status).toBe(400)
  })
})
