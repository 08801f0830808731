// The tablet drives a wall (大屏联动), in Debian Chromium against the real server. With a control key (entered
// once: it outlives a page load in the tab, and is never shown) the tablet sends the wall its scope, window,
// map metric and the case open in its case list, and shows where the wall points and who drives it. A
// street's control key is refused outside its street and a viewer token cannot drive, each with the server's
// words on the tablet and the wall unmoved. On a phone the panel fits the screen.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { ensureClientBuilt, openBrowser, startServer, type Browser, type E2eServer } from './harness'
import { parseWalls } from '../../server/walls'

const STREET = '410103001'
const NEIGHBOUR = '410103002'
let server: E2eServer
let tablet: Browser
const keys = { control: '', street: '', viewer: '' }

beforeAll(async () => {
  await ensureClientBuilt()
  // A one-panel wall; its default is the district, today.
  const walls = parseWalls({ desk: { columns: 1, rows: 1, panel: { width: 1280, height: 720 }, scope: '410103', window: 'today' } })
  server = await startServer(20_000, { walls })
  keys.control = server.app.keys.create({ role: 'control', name: '书记 tablet' }).secret
  keys.street = server.app.keys.create({ role: 'control', name: '淮河路 tablet', scope: STREET }).secret
  keys.viewer = server.viewerToken('410103')
  tablet = await openBrowser(1024, 768, { touch: true })
}, 180_000)
afterAll(async () => {
  await tablet?.close()
  await server?.close()
})

async function live(page: Page) {
  await page.waitForFunction(() => window.__onescreen?.live?.().status === 'live', undefined, { timeout: 60_000, polling: 200 })
}
/** What the server holds for the wall, and so what its browsers show. */
const wallState = () => server.app.walls.state('desk')!

/** The tablet at a scope, its wall control open on the desk wall, with `key` entered unless one is kept. */
async function openControl(page: Page, scope: string, key?: string) {
  await page.goto(`${server.url}/tablet?scope=${scope}`)
  await live(page)
  await page.tap('[data-testid=wall-control-open]')
  await page.locator('[data-testid=wall-control]').waitFor()
  if (key) {
    if (await page.locator('[data-testid=control-key-forget]').count()) await page.tap('[data-testid=control-key-forget]')
    expect(await page.getAttribute('[data-testid=control-key]', 'type')).toBe('password')
    await page.fill('[data-testid=control-key]', key)
    await page.tap('[data-testid=control-key-save]')
  }
  await page.selectOption('[data-testid=wall-pick]', 'desk')
}
const refusal = () => tablet.page.locator('[data-testid=wall-refusal]').textContent({ timeout: 5000 })

describe('a tablet with a control key drives the wall', () => {
  it('sends the wall to the tablet’s street, and shows who drives it', async () => {
    const page = tablet.page
    await openControl(page, STREET, keys.control)
    await page.locator('[data-testid=wall-state][data-scope="410103"][data-driver=""]').waitFor({ timeout: 5000 })
    expect(wallState()).toMatchObject({ scope: '410103', driver: null })
    await page.tap('[data-testid=send-scope]')
    await page.locator('[data-testid=wall-state][data-driver="书记 tablet"]').waitFor({ timeout: 5000 })
    expect(await page.getAttribute('[data-testid=wall-state]', 'data-scope')).toBe(STREET)
    expect(wallState()).toMatchObject({ scope: STREET, driver: { name: '书记 tablet' } })
    expect(await page.locator('[data-testid=wall-refusal]').count()).toBe(0)
    // The key is kept as a secret: a password field before, nowhere in the page after.
    expect(await page.content()).not.toContain(keys.control)
  }, 90_000)

  it('sends the tablet’s window and map metric with its scope; the key outlives a page load', async () => {
    const page = tablet.page
    await openControl(page, STREET)
    expect(await page.locator('[data-testid=control-key]').count()).toBe(0)
    await page.tap('[data-testid=wall-control] .close')
    await page.tap('[data-testid=window-switch] [data-window="7d"]')
    await page.tap('[data-testid=map-legend] [data-metric=overdue]')
    await page.tap('[data-testid=wall-control-open]')
    await page.tap('[data-testid=send-all]')
    await page.locator('[data-testid=wall-state][data-window="7d"][data-metric=overdue]').waitFor({ timeout: 5000 })
    expect(wallState()).toMatchObject({ scope: STREET, window: '7d', metric: 'overdue' })
  }, 90_000)

  it('sends the case open in the case list', async () => {
    const page = tablet.page
    await page.tap('[data-testid=wall-control] .close')
    const first = page.locator('[data-testid=sheet-cases] li').first()
    await first.waitFor({ timeout: 15_000 })
    await first.tap()
    const id = Number(await page.getAttribute('[data-testid=case-detail]', 'data-case'))
    expect(id).toBeGreaterThan(0)
    await page.tap('[data-testid=wall-control-open]')
    await page.tap('[data-testid=send-case]')
    await page.locator(`[data-testid=wall-state][data-case="${id}"]`).waitFor({ timeout: 5000 })
    expect(wallState()).toMatchObject({ scope: STREET, case: id })
    await page.tap('[data-testid=clear-case]')
    await page.locator('[data-testid=wall-state][data-case=""]').waitFor({ timeout: 5000 })
    expect(wallState().case).toBeNull()
  }, 90_000)
})

describe('refusals, as the server words them', () => {
  it('a street’s control key is refused outside its street, and the wall stays where it was', async () => {
    await openControl(tablet.page, NEIGHBOUR, keys.street)
    const before = wallState().version
    await tablet.page.tap('[data-testid=send-scope]')
    expect(await refusal()).toMatch(`this control key covers ${STREET}, not ${NEIGHBOUR}`)
    expect(wallState().version).toBe(before)
  }, 90_000)

  it('a viewer token cannot drive a wall, and the wall stays where it was', async () => {
    await openControl(tablet.page, '410103', keys.viewer)
    expect(await refusal()).toMatch('a viewer token cannot drive walls')
    const before = wallState().version
    await tablet.page.tap('[data-testid=send-all]')
    await tablet.page.locator('[data-testid=send-all]:not([disabled])').waitFor()
    expect(await refusal()).toMatch('a viewer token cannot drive walls')
    expect(wallState().version).toBe(before)
  }, 90_000)

  it('an unknown key is refused as such', async () => {
    await openControl(tablet.page, '410103', 'not-a-key')
    expect(await refusal()).toMatch('the token is not valid')
  }, 90_000)

  it('raises no page error', () => {
    // The refused requests are answered 401/403 on purpose: the console reports those, and nothing else.
    expect(tablet.errors.filter((e) => !/status of 40[13]/.test(e))).toEqual([])
  })
})

describe('on a 390×844 phone', () => {
  it('the wall control sits beside the title, fits the screen and drives the wall', async () => {
    const b = await openBrowser(390, 844, { touch: true })
    try {
      const page = b.page
      await page.goto(`${server.url}/tablet?scope=${STREET}`)
      await live(page)
      const title = (await page.locator('.bar h1').boundingBox())!
      const open = (await page.locator('[data-testid=wall-control-open]').boundingBox())!
      expect(open.y).toBeLessThan(title.y + title.height)
      expect(open.x).toBeGreaterThanOrEqual(title.x + title.width)
      expect(open.x + open.width).toBeLessThanOrEqual(390)
      await openControl(page, STREET, keys.control)
      await page.locator('[data-testid=wall-state]').waitFor()
      const boxes = await page.$$eval('[data-testid=wall-control], [data-testid=wall-control] :is(button, select)', (els) =>
        els.map((e) => e.getBoundingClientRect()).map((r) => ({ left: r.left, right: r.right, bottom: r.bottom })),
      )
      expect(boxes.length).toBeGreaterThan(5)
      for (const r of boxes) {
        expect(r.left).toBeGreaterThanOrEqual(0)
        expect(r.right).toBeLessThanOrEqual(390)
        expect(r.bottom).toBeLessThanOrEqual(844)
      }
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)
      await page.tap('[data-testid=wall-control] .close')
      await page.tap('[data-testid=window-switch] [data-window=today]')
      await page.tap('[data-testid=wall-control-open]')
      await page.tap('[data-testid=send-window]')
      await page.locator('[data-testid=wall-state][data-window=today]').waitFor({ timeout: 5000 })
      expect(wallState().window).toBe('today')
    } finally {
      await b.close()
    }
  }, 120_000)
})

describe('the tablet replays last night on the wall', () => {
  it('the wall’s browser leaves live mode for last night, and comes back to live on the tablet’s word', async () => {
    const wall = await openBrowser(1280, 720)
    try {
      await wall.page.goto(`${server.url}/wall/desk`)
      await live(wall.page)
      const badge = wall.page.locator('[data-testid=replay-badge]')
      expect(await badge.count()).toBe(0)
      await openControl(tablet.page, '410103', keys.control)
      await tablet.page.tap('[data-testid=replay-wall]')
      await expect.poll(() => badge.count(), { timeout: 30_000 }).toBe(1)
      expect(await tablet.page.locator('[data-testid=wall-refusal]').count()).toBe(0)
      await tablet.page.tap('[data-testid=replay-wall-stop]')
      await expect.poll(() => badge.count(), { timeout: 15_000 }).toBe(0)
      await live(wall.page)
    } finally {
      await wall.close()
    }
  }, 180_000)
})
