// The wall in Debian Chromium against the real server: every panel shows real data at 1920×1080 and
// 3840×2160, the map is coloured, a case posted through the API reaches the ticker, the KPIs and the map
// within 2 s, KPIs explain themselves, drill-down re-scopes, and nothing leaves the page's origin.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import type { Page } from 'playwright-core'
import { activity, screenLive as live, colourStats, decodePng, fileServer, openBrowser, post, screenshotPath, type Browser, type E2eServer } from './harness'
import { DISTRICT_CODE } from '../../shared/grid'

let server: E2eServer
fileServer((x) => (server = x))

/** Wait until every panel has data (the ticker and alerts need live activity: `ids` are its cases) and the
 *  ticker has shown the last of them and come to rest. */
async function fed(page: Page, ids: number[]) {
  await page.waitForFunction(
    (last) => {
      const reel = document.querySelector('[data-testid=ticker-reel]')
      return (
        document.querySelectorAll('[data-testid^=panel-] .empty').length === 0 &&
        document.querySelectorAll('[data-testid=panel-alerts] li').length > 0 &&
        !!reel?.querySelector(`[data-case="${last}"]`) &&
        reel.getAttribute('data-queued') === '0' &&
        reel.getAttribute('data-running') === 'false'
      )
    },
    ids[ids.length - 1],
    { timeout: 60_000, polling: 200 },
  )
  await page.evaluate(() => document.fonts.ready)
}

/** The whole district on the map, at rest: input pauses the kiosk tour for a minute. */
async function overview(page: Page) {
  await page.mouse.click(5, 5)
  await page.evaluate(() => {
    const h = window.__onescreen as unknown as { zoomToLevel: (l: number) => void; mapIdle: () => Promise<boolean> }
    h.zoomToLevel(1)
    return h.mapIdle()
  })
}

const kpi = (page: Page, id: string) =>
  page.$eval(`[data-kpi=${id}] .value`, (el) => Number((el as HTMLElement).dataset.value!.replace(/[,%]/g, '')))

const PANELS = ['trend', 'categories', 'sources', 'ladder', 'departments', 'specials', 'alerts', 'ticker']

async function checkPanels(page: Page) {
  for (const p of PANELS) {
    const panel = page.locator(`[data-testid=panel-${p}]`)
    await expect.poll(() => panel.count(), { message: p }).toBe(1)
    expect(await panel.locator('.empty').count(), `${p} is empty`).toBe(0)
  }
  // Figures, not placeholders.
  expect(await kpi(page, 'received')).toBeGreaterThan(10_000)
  expect(await kpi(page, 'closureRate')).toBeGreaterThan(50)
  expect(await kpi(page, 'satisfactionRate')).toBeGreaterThan(50)
  expect(await page.locator('[data-testid=panel-categories] canvas').count()).toBeGreaterThan(0)
  expect(await page.locator('[data-testid=panel-departments] li').count()).toBeGreaterThanOrEqual(3)
  expect(await page.locator('[data-testid=panel-ladder] li').count()).toBe(5)
  expect(await page.locator('[data-testid=panel-alerts] li').count()).toBeGreaterThan(0)
  expect(await page.locator('[data-testid=ticker-item]').count()).toBeGreaterThan(0)
  const sources = await page.locator('[data-testid=panel-sources] li').allTextContents()
  expect(sources.some((s) => /[1-9]/.test(s))).toBe(true)
}

async function checkMapColoured(page: Page) {
  const state = await page.evaluate(() => window.__onescreen!.mapState!())
  expect(state.coloured).toBe(state.total)
  const img = decodePng(await page.locator('[data-testid=grid-map] .canvas').screenshot())
  const stats = colourStats(img)
  // The choropleth covers a good part of the map box with several distinct classes.
  expect(stats.chromatic).toBeGreaterThan(0.2)
  expect(stats.distinct).toBeGreaterThanOrEqual(3)
}

function sameOrigin(b: Browser) {
  const origin = new URL(server.url)
  const foreign = b.requests.filter((u) => {
    const url = new URL(u)
    return url.host !== origin.host || !['http:', 'ws:'].includes(url.protocol)
  })
  expect(foreign).toEqual([])
}

describe('wall at 1920×1080', () => {
  let b: Browser
  beforeAll(async () => {
    b = await openBrowser(1920, 1080)
    await b.page.goto(server.url + '/')
    await live(b.page)
    // New and closed cases and alerts exist only as they happen: make some through the API.
    await fed(b.page, await activity(server, 8))
  })
  afterAll(async () => {
    await b?.close()
  })

  it('renders every panel with real data and saves the screenshot', async () => {
    await checkPanels(b.page)
    // Size tokens: 1rem is 16 px at 1920×1080 (native layout, no transform).
    expect(await b.page.evaluate(() => getComputedStyle(document.documentElement).fontSize)).toBe('16px')
    expect(await b.page.evaluate(() => getComputedStyle(document.querySelector('.wall')!).transform)).toBe('none')
    // Chinese is drawn with the bundled face (served by the page's own origin), not a system font.
    const fonts = await b.page.evaluate(() => ({
      cjk: [...document.fonts].filter((f) => f.family.includes('Noto Sans SC') && f.status === 'loaded').length,
      digits: [...document.fonts].filter((f) => f.family.includes('Barlow Condensed') && f.status === 'loaded').length,
      title: document.fonts.check('700 16px "Noto Sans SC"', '二七区网格化治理指挥中心'),
    }))
    expect(fonts.cjk).toBeGreaterThan(0)
    expect(fonts.digits).toBeGreaterThan(0)
    expect(fonts.title).toBe(true)
    expect(b.requests.some((u) => /noto-sans-sc-.*\.woff2$/.test(u))).toBe(true)
    mkdirSync(dirname(screenshotPath('x')), { recursive: true })
    await overview(b.page)
    await b.page.screenshot({ path: screenshotPath('wall-1080.png') })
  })

  it('colours the map polygons', async () => {
    await checkMapColoured(b.page)
    expect(await b.page.locator('[data-testid=grid-counts]').textContent()).toMatch(/17 \/ 175 \/ 1,439 \/ 6,281/)
  })

  it('shows a case posted through the API in the ticker, the KPIs and the map within 2 s', async () => {
    const page = b.page
    // A point well inside a micro grid: the label point of one the map knows, read back as lon/lat.
    const micro = await page.evaluate(() => {
      const h = window.__onescreen as unknown as { probe: () => { code: string; lon: number; lat: number } }
      return h.probe()
    })
    const before = {
      received: await kpi(page, 'received'),
      today: await kpi(page, 'todayNew'),
      grid: (await page.evaluate((c) => window.__onescreen!.mapValue!(c, 'received'), micro.code))!,
    }
    const text = '井盖缺失 <b>请尽快</b> 联系13812345678'
    const t0 = Date.now()
    const res = await post<{ id: number; grid: string }>(server, '/api/cases', {
      matter: server.matters[0], lon: micro.lon, lat: micro.lat, description: text, reporterName: '张三', reporterPhone: '13812345678',
    })
    expect(res.status).toBe(201)
    const { id, grid } = res.body
    expect(grid).toBe(micro.code)

    const item = page.locator(`[data-testid=ticker-item][data-case="${id}"]`)
    await item.waitFor({ state: 'attached', timeout: 2000 })
    await page.waitForFunction(
      ([r, g, c]) =>
        Number(document.querySelector<HTMLElement>('[data-kpi=received] .value')!.dataset.value!.replace(/,/g, '')) === r + 1 &&
        window.__onescreen!.mapValue!(c as unknown as string, 'received') === g + 1,
      [before.received, before.grid, micro.code as unknown as number] as const,
      { timeout: Math.max(100, 2000 - (Date.now() - t0)), polling: 50 },
    )
    expect(Date.now() - t0).toBeLessThan(2000)
    expect(await kpi(page, 'todayNew')).toBe(before.today + 1)
    // The pulse marks the spot, and the citizen's text is plain, masked text: no element, no phone number.
    expect(await page.locator('.case-pulse.on').count()).toBeGreaterThan(0)
    const html = await item.innerHTML()
    expect(html).not.toContain('<b>')
    expect(await item.textContent()).not.toContain('13812345678')
  })

  it('explains a KPI: formula, numerator, denominator and the cases behind it', async () => {
    const page = b.page
    await page.click('[data-kpi=closureRate]')
    const detail = page.locator('[data-testid=kpi-detail]')
    await detail.waitFor()
    expect(await detail.locator('[data-testid=formula]').textContent()).toContain('结案数')
    const n = Number((await detail.locator('[data-testid=numerator]').textContent())!.replace(/,/g, ''))
    const d = Number((await detail.locator('[data-testid=denominator]').textContent())!.replace(/,/g, ''))
    expect(n).toBeGreaterThan(0)
    expect(d).toBeGreaterThanOrEqual(n)
    // The rate shown is the server's, and it is exactly n / d.
    expect(Math.abs((await kpi(page, 'closureRate')) - (100 * n) / d)).toBeLessThan(0.006)
    await detail.locator('[data-testid=kpi-cases] li').first().waitFor({ timeout: 5000 })
    await page.click('[data-testid=kpi-detail] .close')
    await detail.waitFor({ state: 'detached' })
  })

  it('drills down on click and back through the breadcrumb', async () => {
    const page = b.page
    const district = await kpi(page, 'received')
    // The whole district: the streets' level of detail.
    await overview(page)
    const street = await page.evaluate(() => (window.__onescreen as unknown as { probe: () => { street: string } }).probe().street)
    const at = (await page.evaluate((c) => window.__onescreen!.gridPoint!(c), street))!
    await page.mouse.click(at.x, at.y)
    await page.waitForFunction((c) => window.__onescreen!.live!().scope === c, street, { timeout: 5000 })
    await page.waitForFunction((c) => window.__onescreen!.live!().status === 'live' && document.querySelector('[data-testid=breadcrumb]')!.getAttribute('data-scope') === c, street)
    // Every panel follows the new scope: the headline count is the street's, smaller than the district's.
    await expect.poll(() => kpi(page, 'received'), { timeout: 5000 }).toBeLessThan(district)
    expect(new URL(page.url()).searchParams.get('scope')).toBe(street)
    await page.click('[data-testid=scope-up]')
    await page.waitForFunction((c) => window.__onescreen!.live!().scope === c, DISTRICT_CODE)
    await expect.poll(() => kpi(page, 'received'), { timeout: 5000 }).toBeGreaterThanOrEqual(district)
  })

  it('pauses updates while hidden and catches up when shown again', async () => {
    const page = b.page
    const setVisible = (visible: boolean) =>
      page.evaluate((v) => {
        Object.defineProperty(document, 'visibilityState', { value: v ? 'visible' : 'hidden', configurable: true })
        document.dispatchEvent(new Event('visibilitychange'))
      }, visible)
    const before = await kpi(page, 'received')
    await setVisible(false)
    const lastFrame = await page.evaluate(() => window.__onescreen!.live!().lastFrameAt!)
    const p = server.places[17]
    expect((await post(server, '/api/cases', { matter: server.matters[1], lon: p.lon, lat: p.lat, description: '隐藏时上报' })).status).toBe(201)
    // Frames keep arriving (the case's within a tick), but the hidden screen does no work for them.
    await page.waitForTimeout(1500)
    expect(await page.evaluate(() => window.__onescreen!.live!().lastFrameAt!)).toBeGreaterThan(lastFrame)
    expect(await kpi(page, 'received')).toBe(before)
    await setVisible(true)
    await expect.poll(() => kpi(page, 'received'), { timeout: 2000 }).toBe(before + 1)
  })

  it('greys out with the time of the last frame when frames stop, and recovers by itself', async () => {
    const page = b.page
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42))
    server.app.live.stop()
    try {
      await page.waitForSelector('[data-testid=connection][data-status=stale]', { timeout: 15_000 })
      expect(await page.locator('[data-testid=panel-trend]').getAttribute('data-stale')).toBe('true')
      expect(await page.locator('[data-testid=connection]').textContent()).toMatch(/数据截至 \d\d:\d\d:\d\d/)
      expect(await page.locator('[data-testid=panel-trend] .as-of').textContent()).toMatch(/数据截至 \d\d:\d\d:\d\d/)
    } finally {
      server.app.live.start()
    }
    await page.waitForSelector('[data-testid=connection][data-status=live]', { timeout: 10_000 })
    expect(await page.locator('[data-testid=panel-trend]').getAttribute('data-stale')).toBe('false')
    // A dropped connection comes back without a reload: the page's own state survives.
    server.app.live.nsp.disconnectSockets(true)
    await page.waitForSelector('[data-testid=connection]:not([data-status=live])', { timeout: 5000 })
    await page.waitForSelector('[data-testid=connection][data-status=live]', { timeout: 15_000 })
    expect(await page.evaluate(() => (window as unknown as { marker: number }).marker)).toBe(42)
  })

  it('opens straight into a street from its URL, at the street\'s level of detail', async () => {
    const page = b.page
    const street = server.places[0].code.slice(0, 9)
    await page.goto(`${server.url}/?scope=${street}`)
    await live(page)
    expect(await page.evaluate(() => window.__onescreen!.live!().scope)).toBe(street)
    const state = await page.evaluate(() => window.__onescreen!.mapState!())
    expect(state.level).toBeGreaterThan(1)
    await expect.poll(() => page.evaluate(() => window.__onescreen!.mapState!().coloured)).toBeGreaterThan(0)
    await checkMapColoured(page)
  })

  it("is a street's own wall when opened with that street's viewer token", async () => {
    const page = b.page
    const street = server.places[0].code.slice(0, 9)
    await page.goto(`${server.url}/?token=${server.viewerToken(street)}`)
    await live(page)
    expect(await page.evaluate(() => window.__onescreen!.live!().scope)).toBe(street)
    expect(await page.locator('[data-testid=scope-up]').count()).toBe(0)
    expect(await kpi(page, 'received')).toBeGreaterThan(0)
  })

  it('marks the header, small, when the holiday data ends before the longest time limit does', async () => {
    const page = b.page
    const mark = page.locator('[data-testid=calendar-mark]')
    const saved = server.app.config.calendar
    const open = async () => {
      const health = page.waitForResponse((r) => r.url().endsWith('/api/health'))
      await page.goto(server.url + '/')
      await health
      await live(page)
    }
    try {
      // The server's own coverage decides (GET /api/health), whatever today's date is.
      server.app.config.calendar = { ...saved, coveredThrough: '2021-12-31' }
      await open()
      await mark.waitFor({ timeout: 5000 })
      expect(await mark.textContent()).toContain('节假日数据至 2021-12-31')
      expect(await mark.getAttribute('title')).toMatch(/周一至周五.*ONESCREEN_CALENDAR/)
      // A mark in the header row (the tools' cell of the layout), not a takeover.
      const [box, header] = [await mark.boundingBox(), await page.locator('[data-panel=tools]').boundingBox()]
      expect(box!.y).toBeGreaterThanOrEqual(header!.y)
      expect(box!.y + box!.height).toBeLessThanOrEqual(header!.y + header!.height)
      expect(box!.width).toBeLessThan(300)
      server.app.config.calendar = { ...saved, coveredThrough: '2999-12-31' }
      await open()
      expect(await mark.count()).toBe(0)
    } finally {
      server.app.config.calendar = saved
    }
  })

  it('makes no request outside its origin and raises no page error', () => {
    sameOrigin(b)
    expect(b.errors).toEqual([])
  })
})

describe('wall at 3840×2160', () => {
  let b: Browser
  beforeAll(async () => {
    b = await openBrowser(3840, 2160)
    await b.page.goto(server.url + '/')
    await live(b.page)
    await fed(b.page, await activity(server, 4))
  })
  afterAll(async () => {
    await b?.close()
  })

  it('renders natively at 4K with every panel and a coloured map', async () => {
    // The size token doubles: text and lines are drawn at 4K, not upscaled.
    expect(await b.page.evaluate(() => getComputedStyle(document.documentElement).fontSize)).toBe('32px')
    const canvas = await b.page.$eval('[data-testid=panel-trend] canvas', (c) => ({ w: (c as HTMLCanvasElement).width, css: c.getBoundingClientRect().width }))
    expect(canvas.w).toBeGreaterThanOrEqual(Math.floor(canvas.css))
    await checkPanels(b.page)
    await checkMapColoured(b.page)
    await overview(b.page)
    await b.page.screenshot({ path: screenshotPath('wall-4k.png') })
    sameOrigin(b)
    expect(b.errors).toEqual([])
  })
})
