// The 8K wall (issue 11): the example 4×2 wall of 1920×1080 panels at 7680×2160 in one browser, its map drawn
// in one canvas per screen it spans. Time to the first live frame on screen, and the script cost of a delta
// touching every micro grid (recoloured on every map piece).
import type { Page } from 'playwright-core'
import { openBrowser } from '../../test/e2e/harness'
import { measureDelta } from './delta'

const W = 7680
const H = 2160
// The wall's own window (its profile's "today"): a profiled wall's browsers share it, the URL does not choose.
const PATH = '/wall/hall-4x2'

async function live(page: Page) {
  await page.waitForFunction(() => window.__onescreen?.live?.().status === 'live' && !!window.__onescreen?.mapState, undefined, { timeout: 120_000, polling: 100 })
  // Input pauses the kiosk tour: the map at rest.
  await page.keyboard.press('Shift')
  await page.waitForFunction(() => window.__onescreen!.mapState!().loaded && window.__onescreen!.mapState!().coloured > 0, undefined, { timeout: 120_000, polling: 100 })
}

export async function measureWall8k(urlBase: string, runs: number) {
  const first: number[] = []
  for (let k = 0; k < runs; k++) {
    const b = await openBrowser(W, H)
    try {
      await b.page.goto(urlBase + PATH)
      await b.page.waitForFunction(() => window.__onescreen?.firstFrameAt !== undefined, undefined, { timeout: 60_000, polling: 20 })
      first.push(await b.page.evaluate(() => window.__onescreen!.firstFrameAt!))
    } finally {
      await b.close()
    }
  }
  const b = await openBrowser(W, H)
  try {
    await b.page.goto(urlBase + PATH)
    await live(b.page)
    const pieces = await b.page.evaluate(() => (window.__onescreen as unknown as { mapPieces: () => number }).mapPieces())
    const delta = await measureDelta(b.page)
    const canvasWarnings = b.console.filter((t) => /maxCanvasSize/.test(t))
    return { first, delta, pieces, canvasWarnings, errors: b.errors.slice(0, 5) }
  } finally {
    await b.close()
  }
}
