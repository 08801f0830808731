// A deployment's own settings reach the screen, in Debian Chromium against the real server: a district on
// UTC−5 (the calendar's timezone) shows its own time on the wall, and with ONESCREEN_SATISFACTION_K=0.9 the
// formula pop-up's numerator and denominator give exactly the satisfaction rate beside it (the client used
// to recompute the terms with the default k = 1).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureClientBuilt, openBrowser, post, startServer, type Browser, type E2eServer } from './harness'
import { loadConfig } from '../../server/config'
import { DEFAULT_CALENDAR } from '../../shared/timelimit'

const OFFSET_MIN = -300

let server: E2eServer
let b: Browser
beforeAll(async () => {
  await ensureClientBuilt()
  server = await startServer(3000, {
    indicators: loadConfig({ ONESCREEN_SATISFACTION_K: '0.9' }).indicators,
    calendar: { ...DEFAULT_CALENDAR, timezoneOffsetMinutes: OFFSET_MIN },
  })
  // Today's follow-ups: two 基本满意 and one 满意, so k matters for today's rate.
  for (const rating of ['basic', 'basic', 'satisfied']) {
    const p = server.places[0]
    const r = await post<{ id: number }>(server, '/api/cases', { matter: server.matters[0], lon: p.lon, lat: p.lat, description: '端到端测试：路灯不亮' })
    expect(r.status).toBe(201)
    for (const step of ['verify', 'register', 'dispatch', 'handle', 'check', 'close'])
      expect((await post(server, `/api/cases/${r.body.id}/actions`, { action: step })).status, step).toBeLessThan(300)
    expect((await post(server, `/api/cases/${r.body.id}/actions`, { action: 'rate', data: { rating } })).status).toBeLessThan(300)
  }
  b = await openBrowser(1920, 1080)
  await b.page.goto(server.url + '/')
  await b.page.waitForFunction(() => window.__onescreen?.live?.().status === 'live' && !!document.querySelector('[data-kpi=satisfactionRate] .value[data-value]:not([data-value="—"])'), undefined, { timeout: 60_000, polling: 200 })
}, 300_000) // a client build, a seed and a browser: minutes on a loaded 2-core machine
afterAll(async () => {
  await b?.close()
  await server?.close()
})

describe('a configured district on the wall', () => {
  it("tells the district's time, not Shanghai's or the kiosk's", async () => {
    const text = (await b.page.locator('.clock').textContent())!.trim()
    const m = /^(\d{4}-\d{2}-\d{2})\s+(\d{2}:\d{2}:\d{2})$/.exec(text)
    expect(m, text).not.toBeNull()
    const shown = Date.parse(`${m![1]}T${m![2]}Z`) - OFFSET_MIN * 60_000
    expect(Math.abs(shown - Date.now())).toBeLessThan(5000)
  })

  it('explains the satisfaction rate with the terms the server computed with k = 0.9', async () => {
    const page = b.page
    await page.click('[data-kpi=satisfactionRate]')
    const detail = page.locator('[data-testid=kpi-detail]')
    await detail.waitFor()
    const num = detail.locator('[data-testid=numerator]')
    await expect.poll(() => num.textContent(), { timeout: 10_000 }).not.toBe('—')
    const n = Number((await num.textContent())!.replace(/,/g, ''))
    const d = Number((await detail.locator('[data-testid=denominator]').textContent())!.replace(/,/g, ''))
    expect(d).toBeGreaterThanOrEqual(3)
    const value = await page.$eval('[data-kpi=satisfactionRate] .value', (el) => Number((el as HTMLElement).dataset.value!.replace(/[,%]/g, '')))
    // The rate shown is the server's, and it is exactly n / d (to the two decimals shown).
    expect(Math.abs(value - (100 * n) / d)).toBeLessThan(0.006)
    expect(b.errors).toEqual([])
  })
})
