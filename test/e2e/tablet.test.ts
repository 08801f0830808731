// The tablet in Debian Chromium against the real server: touch drill-down, the grid sheet with its cases
// and a case's history, the window switch, grid search, both orientations, and a street leader's token.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { fileServer, openBrowser, screenLive, screenshotPath, type Browser, type E2eServer } from './harness'
import { DISTRICT_CODE } from '../../shared/grid'

let server: E2eServer
fileServer((x) => (server = x))

async function ready(page: Page) {
  await screenLive(page)
  await page.waitForFunction(() => !!document.querySelector('[data-kpi=received] .value[data-value]:not([data-value="—"])'), undefined, {
    timeout: 30_000,
    polling: 200,
  })
  await page.evaluate(() => document.fonts.ready)
}
const kpi = (page: Page, id: string) =>
  page.$eval(`[data-kpi=${id}] .value`, (el) => Number((el as HTMLElement).dataset.value!.replace(/[,%]/g, '')))
const scopeOf = (page: Page) => page.evaluate(() => window.__onescreen!.live!().scope)

describe('tablet at 1024×768 (landscape, touch)', () => {
  let b: Browser
  beforeAll(async () => {
    b = await openBrowser(1024, 768, { touch: true })
    await b.page.goto(server.url + '/tablet')
    await ready(b.page)
  })
  afterAll(async () => {
    await b?.close()
  })

  it('shows KPIs, the map and the district sheet with its open cases', async () => {
    const page = b.page
    expect(await kpi(page, 'received')).toBeGreaterThan(10_000)
    await page.locator('[data-testid=sheet-cases] li').first().waitFor({ timeout: 5000 })
    // Nothing overflows the screen sideways.
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true)
    await page.screenshot({ path: screenshotPath('tablet.png') })
  })

  it('switches the window', async () => {
    const page = b.page
    await page.tap('[data-testid=window-switch] [data-window="7d"]')
    await page.waitForFunction(() => window.__onescreen!.live!().window === '7d' && window.__onescreen!.live!().status === 'live')
    await page.tap('[data-testid=window-switch] [data-window=today]')
    await page.waitForFunction(() => window.__onescreen!.live!().window === 'today')
  })

  it('drills down by tapping the map, then opens a case with its history', async () => {
    const page = b.page
    // The map at rest on the whole district (its streets' level of detail), then a tap on a street.
    await page.evaluate(() => (window.__onescreen as unknown as { mapIdle: () => Promise<boolean> }).mapIdle())
    const street = await page.evaluate(() => (window.__onescreen as unknown as { probe: () => { street: string } }).probe().street)
    const at = (await page.evaluate((c) => window.__onescreen!.gridPoint!(c), street))!
    await page.touchscreen.tap(at.x, at.y)
    await page.waitForFunction((c) => window.__onescreen!.live!().scope === c, street, { timeout: 5000 })
    const sheet = page.locator(`[data-testid=grid-sheet][data-scope="${street}"]`)
    await sheet.waitFor()
    const first = sheet.locator('[data-testid=sheet-cases] li').first()
    await first.waitFor({ timeout: 5000 })
    await first.tap()
    const history = page.locator('[data-testid=case-history] li')
    await history.first().waitFor({ timeout: 5000 })
    expect(await history.count()).toBeGreaterThanOrEqual(1)
    await page.tap('[data-testid=case-detail] .back')
  })

  it('finds a grid by name and by code', async () => {
    const page = b.page
    await page.fill('[data-testid=grid-search]', '德化街')
    const hit = page.locator('[data-testid=search-results] button').first()
    await hit.waitFor()
    await hit.tap()
    await page.waitForFunction(() => window.__onescreen!.live!().scope.length === 9)
    const street = await scopeOf(page)
    await page.fill('[data-testid=grid-search]', street + '001')
    await page.locator('[data-testid=search-results] button').first().tap()
    await page.waitForFunction((c) => window.__onescreen!.live!().scope === c, street + '001')
  })

  it('requests nothing outside its origin and raises no page error', () => {
    const host = new URL(server.url).host
    expect(b.requests.filter((u) => new URL(u).host !== host)).toEqual([])
    expect(b.errors).toEqual([])
  })
})

describe('tablet in portrait (768×1024)', () => {
  it('lays out map and sheet without overflow', async () => {
    const b = await openBrowser(768, 1024, { touch: true })
    try {
      await b.page.goto(server.url + '/tablet')
      await ready(b.page)
      const box = async (sel: string) => (await b.page.locator(sel).boundingBox())!
      const map = await box('[data-testid=grid-map]')
      const sheet = await box('[data-testid=grid-sheet]')
      expect(map.height).toBeGreaterThan(200)
      expect(sheet.y).toBeGreaterThanOrEqual(map.y + map.height - 1)
      expect(await b.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true)
    } finally {
      await b.close()
    }
  }, 90_000) // two page loads, each allowed the 30 s a loaded machine can need to paint the map
})

describe("a street leader's token", () => {
  it('shows only that street', async () => {
    const street = '410103001'
    const token = server.viewerToken(street)
    const b = await openBrowser(1024, 768, { touch: true })
    try {
      await b.page.goto(`${server.url}/tablet?token=${token}`)
      await ready(b.page)
      expect(await scopeOf(b.page)).toBe(street)
      // No way up out of the street, and search offers nothing outside it.
      expect(await b.page.locator('[data-testid=scope-up]').count()).toBe(0)
      await b.page.fill('[data-testid=grid-search]', '410103002')
      await b.page.locator('[data-testid=search-results]').waitFor()
      expect(await b.page.locator('[data-testid=search-results] button').count()).toBe(0)
      // A URL asking for the district is held to the street.
      await b.page.goto(`${server.url}/tablet?token=${token}&scope=${DISTRICT_CODE}`)
      await ready(b.page)
      expect(await scopeOf(b.page)).toBe(street)
    } finally {
      await b.close()
    }
  }, 90_000) // two page loads, each allowed the 30 s a loaded machine can need to paint the map
})
