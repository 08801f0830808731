// A replay on the wall in Debian Chromium against the real server: the wall leaves live mode for a past
// evening (and for the rainstorm night, when the seeded history holds it), is unmistakably a replay (its frame colour,
// the "回放 · date time · speed×" badge in place of the clock), shows the figures as they stood then, plays at
// 3,600× with the panels, map and timeline following, and one button brings it back to live. On a wall of two
// screens the frame goes round each screen and the controls stay inside one screen of the map.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { decodePng, ensureClientBuilt, openBrowser, screenshotPath, startServer, type Browser, type E2eServer } from './harness'
import { loadConfig } from '../../server/config'
import { RAINSTORM_END, RAINSTORM_START } from '../../fixtures/generate/history/storm'

const dir = mkdtempSync(join(tmpdir(), 'onescreen-replay-'))
let server: E2eServer
let b: Browser
beforeAll(async () => {
  await ensureClientBuilt()
  // A 2×1 wall that one browser drives whole.
  writeFileSync(join(dir, 'walls.json'), JSON.stringify({ duo: { columns: 2, rows: 1, panel: { width: 1920, height: 1080 }, bezel: 10 } }))
  server = await startServer(20_000, { walls: loadConfig({ ONESCREEN_WALLS: join(dir, 'walls.json') }).walls })
  b = await openBrowser(1920, 1080)
}, 240_000)
afterAll(async () => {
  await b?.close()
  await server?.close()
  rmSync(dir, { recursive: true, force: true })
})

const HOUR = 3_600_000
const probe = (page: Page) => page.evaluate(() => ({ frames: (window.__onescreen?.clockFrames as number) ?? 0, status: window.__onescreen?.live?.().status }))
const kpi = (page: Page, id: string) => page.$eval(`[data-kpi=${id}] .value`, (el) => Number((el as HTMLElement).dataset.value!.replace(/[,%]/g, '')))
const badge = (page: Page) => page.locator('[data-testid=replay-badge]')
const box = (page: Page, selector: string) =>
  page.$$eval(selector, (els) => els.map((e) => (({ x, y, width, height }) => ({ x, y, width, height }))(e.getBoundingClientRect())))
type Box = { x: number; y: number; width: number; height: number }
const meets = (a: Box, b: Box) => a.x < b.x + b.width - 1 && b.x < a.x + a.width - 1 && a.y < b.y + b.height - 1 && b.y < a.y + a.height - 1
const within = (r: Box, s: Box) => r.x >= s.x - 0.5 && r.y >= s.y - 0.5 && r.x + r.width <= s.x + s.width + 0.5 && r.y + r.height <= s.y + s.height + 0.5
/** A day on the district's clock (UTC+8). */
const dayOf = (t: number) => new Date(t + 8 * HOUR).toISOString().slice(0, 10)
/** The colour of the wall's left edge, halfway down. */
function edge(png: Buffer): number[] {
  const img = decodePng(png)
  const k = (540 * img.width + 2) * 4
  return Array.from(img.rgba.subarray(k, k + 3))
}
/** 回放 → a date, 20:00 → start: the badge shows it at 60×. */
async function launch(page: Page, day: string) {
  await page.click('[data-testid=replay-open]')
  await page.fill('[data-testid=replay-date]', day)
  await page.fill('[data-testid=replay-time]', '20:00')
  await page.click('[data-testid=replay-start]')
  await expect.poll(() => badge(page).textContent(), { timeout: 30_000 }).toMatch(new RegExp(`^\\s*▶回放 · ${day} 20:0\\d · 60×\\s*$`))
}

describe('replay on the wall', () => {
  it('replays an evening three days ago, plays at 3,600×, and returns to live in one action', async () => {
    const { page, errors } = b
    await page.goto(`${server.url}/`)
    await page.waitForFunction(() => window.__onescreen?.live?.().status === 'live' && (window.__onescreen?.mapState?.().coloured ?? 0) > 0, undefined, { timeout: 60_000 })
    const liveReceived = await kpi(page, 'received')

    // Choose a date and time: three days ago, 20:00 on the district's clock.
    const day = dayOf(Date.now() - 3 * 24 * HOUR)
    await launch(page, day)
    expect(await page.locator('[data-testid=clock]').count()).toBe(0)
    expect(await page.locator('div.wall.replaying').count()).toBe(1)
    // A replay is attended: the kiosk tour rests (no map flying to the next street every 12 s while it is used).
    expect(await page.locator('.tour-state').count()).toBe(0)
    const frames = await page.$$eval('[data-testid=replay-frame]', (els) => els.map((e) => getComputedStyle(e).boxShadow))
    expect(frames).toEqual([expect.stringContaining('rgb(199, 125, 255)')])
    // The badge sits in the header's tools cell, and the connection there no longer says 实时 (live).
    const [tools] = await box(page, '[data-panel=tools]')
    expect(within((await box(page, '[data-testid=replay-badge]'))[0], tools)).toBe(true)
    expect(await page.locator('[data-testid=connection]').textContent()).toContain('已连接')
    // The controls on the map, clear of its legend (which rises above them).
    const [bar] = await box(page, '[data-testid=replay-bar]')
    expect(within(bar, (await box(page, '[data-panel=map]'))[0])).toBe(true)
    await expect.poll(async () => meets((await box(page, '[data-testid=map-legend]'))[0], bar)).toBe(false)
    // The 24 hours from 20:00, an hour a bar.
    await expect.poll(() => page.locator('[data-testid=replay-timeline] rect').count(), { timeout: 15_000 }).toBeGreaterThanOrEqual(24)

    // Paused, the wall shows the figures as they stood then: the same as GET /api/snapshot for that moment.
    await page.click('[data-testid=replay-pause]')
    await expect.poll(() => badge(page).getAttribute('data-playing')).toBe('false')
    const shown = await page.evaluate(() => window.__onescreen!.live!().frameAt as number)
    const asOf = await (await fetch(`${server.url}/api/snapshot?scope=410103&window=all&at=${encodeURIComponent(new Date(shown).toISOString())}`)).json()
    await expect.poll(() => kpi(page, 'received'), { timeout: 10_000 }).toBe(asOf.scope.counters.received)
    expect(asOf.scope.counters.received).toBeLessThan(liveReceived)
    expect((await page.evaluate(() => window.__onescreen!.mapState!())).coloured).toBeGreaterThan(0)

    // 3,600×: an hour a second, at least ten frames a second reach the wall.
    await page.click('[data-speed="3600"]')
    await page.click('[data-testid=replay-play]')
    const f0 = (await probe(page)).frames
    const t0 = Date.now()
    await page.waitForTimeout(5000)
    const fps = ((await probe(page)).frames - f0) / ((Date.now() - t0) / 1000)
    console.log(`replay at 3,600× in Chromium: ${fps.toFixed(1)} frames/s`)
    expect(fps).toBeGreaterThan(8)
    await expect.poll(() => badge(page).textContent()).toMatch(/3600×/)
    // The frame colour is on screen: the wall's left edge is the replay colour.
    expect(edge(await page.screenshot())).toEqual([199, 125, 255])

    // One action back to live.
    await page.click('[data-testid=replay-stop]')
    await expect.poll(() => badge(page).count(), { timeout: 10_000 }).toBe(0)
    await expect.poll(() => kpi(page, 'received'), { timeout: 10_000 }).toBeGreaterThanOrEqual(liveReceived)
    expect(await page.locator('div.wall.replaying').count()).toBe(0)
    expect(await page.locator('.tour-state').count()).toBe(1)
    expect((await probe(page)).status).toBe('live')
    expect(errors).toEqual([])
  }, 180_000)

  it('replays the rainstorm night: its spike alerts marked on the timeline, a mark jumps there', async (ctx) => {
    const { page, errors } = b
    // The storm is in every history seeded between 30 July 2026 and 28 July 2029 (three years back from now).
    const { logStart } = (await (await fetch(`${server.url}/api/replay`)).json()) as { logStart: number }
    if (!(logStart <= RAINSTORM_START && RAINSTORM_END <= Date.now())) ctx.skip()
    await page.goto(`${server.url}/`)
    await page.waitForFunction(() => window.__onescreen?.live?.().status === 'live' && (window.__onescreen?.mapState?.().coloured ?? 0) > 0, undefined, { timeout: 60_000 })
    await launch(page, dayOf(RAINSTORM_START))
    await page.click('[data-testid=replay-pause]')
    const spikes = page.locator('[data-testid=replay-timeline] .mark[data-kind=spike]')
    await expect.poll(() => spikes.count(), { timeout: 15_000 }).toBeGreaterThan(0)
    // The middle one, and the replay stands in the storm's hours, paused there.
    await spikes.nth(Math.floor((await spikes.count()) / 2)).click()
    await expect.poll(async () => {
      const t = await page.evaluate(() => window.__onescreen!.live!().frameAt as number)
      return t >= RAINSTORM_START && t < RAINSTORM_END
    }, { timeout: 15_000 }).toBe(true)
    expect(await badge(page).getAttribute('data-playing')).toBe('false')
    await page.evaluate(() => document.fonts.ready)
    await page.waitForTimeout(2000) // the map's recolour and the panels' animations settle
    // The README's picture of a replay.
    expect(edge(await page.screenshot({ path: screenshotPath('replay.png') }))).toEqual([199, 125, 255])
    await page.click('[data-testid=replay-stop]')
    await expect.poll(() => badge(page).count(), { timeout: 10_000 }).toBe(0)
    expect(errors).toEqual([])
  }, 180_000)

  it('frames each screen of a wall of two and keeps the controls inside one screen of the map', async () => {
    const wall = await openBrowser(3840, 1080)
    try {
      const { page, errors } = wall
      const at = encodeURIComponent(new Date(Date.now() - 3 * 24 * HOUR).toISOString())
      await page.goto(`${server.url}/wall/duo?replay=${at}&speed=600`)
      await expect.poll(() => badge(page).count(), { timeout: 60_000 }).toBe(1)
      await page.click('[data-testid=replay-pause]')
      const screens = [{ x: 0, y: 0, width: 1920, height: 1080 }, { x: 1920, y: 0, width: 1920, height: 1080 }]
      const frames = await box(page, '[data-testid=replay-frame]')
      expect(frames).toEqual(screens)
      // The badge, the bar and its timeline each lie inside exactly one screen; the bar inside the map too.
      for (const sel of ['[data-testid=replay-badge]', '[data-testid=replay-bar]', '[data-testid=replay-timeline]']) {
        const [r] = await box(page, sel)
        expect(screens.filter((s) => within(r, s)), sel).toHaveLength(1)
      }
      const [map] = await box(page, '[data-panel=map]')
      expect(map.x < 1920 && map.x + map.width > 1920, 'the map spans both screens').toBe(true)
      const [bar] = await box(page, '[data-testid=replay-bar]')
      expect(within(bar, map)).toBe(true)
      expect(meets((await box(page, '[data-testid=map-legend]'))[0], bar)).toBe(false)
      // One screen's share of the map is narrow: the timeline takes a row of its own, nearly the bar's width.
      expect((await box(page, '[data-testid=replay-timeline]'))[0].width).toBeGreaterThan(0.8 * bar.width)
      expect(errors).toEqual([])
    } finally {
      await wall.close()
    }
  }, 180_000)
})
