// bench:replay on the wall itself: Debian Chromium shows the bench server's wall `bench` (one 1920×1080
// screen, /wall/bench) and the wall control (POST /api/walls/bench/replay with a control key, as a tablet
// sends it) starts a replay, seeks and plays. What the issue asks of the wall, measured where the wall is:
//   - from a wall at rest (live, its map loaded), a seek is ready once the page holds the frame for that moment
//     at an animation frame (the panels and the map have taken it), timed from the control's request;
//   - playback: the frames that moved the page's clock per second at 3,600×, on an ordinary busy afternoon
//     and through the rainstorm night (spike alerts: the takeover and the map flying to each hot spot).
// Headless Chromium draws WebGL in software (SwiftShader) here, slower than a wall PC's GPU.
import { writeFileSync } from 'node:fs'
import type { Page } from 'playwright-core'
import { openDb } from '../../server/db'
import { Keys } from '../../server/keys'
import { openBrowser } from '../../test/e2e/harness'
import { sleep } from '../child'

export const WALL = 'bench'

/** A walls file with the one-screen wall `bench`, and a control key for it in the bench database. */
export function wallSetup(db: string, wallsFile: string): string {
  writeFileSync(wallsFile, JSON.stringify({ [WALL]: { columns: 1, rows: 1, panel: { width: 1920, height: 1080 }, scope: '410103', window: 'today' } }))
  const d = openDb(db)
  const { secret } = new Keys(d).create({ role: 'control', name: 'bench wall control', scope: '410103' })
  d.$client.close()
  return secret
}

const frameAt = (page: Page) => page.evaluate(() => window.__onescreen?.live?.().frameAt ?? null)
const frames = (page: Page) => page.evaluate(() => (window.__onescreen?.clockFrames) ?? 0)

/**
 * Seeks to `moments`, then plays at 3,600× from each of `plays` for `seconds`, all on the wall in Chromium. The
 * client must have been built before the server started (it looks for it then).
 */
export async function onTheWall(base: string, key: string, moments: number[], plays: Record<string, number>, seconds: number) {
  const b = await openBrowser(1920, 1080)
  const control = async (body: Record<string, unknown>) => {
    const res = await fetch(`${base}/api/walls/${WALL}/replay`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify(body),
    })
    if (!res.ok) throw new Error(`wall control ${JSON.stringify(body)}: ${res.status} ${await res.text()}`)
  }
  // Resolves when the page shows the frame for `at`, checked at every animation frame.
  const shown = (at: number) => b.page.waitForFunction((t) => window.__onescreen?.live?.().frameAt === t, at, { polling: 'raf', timeout: 30_000 })
  const iso = (t: number) => new Date(t).toISOString()
  try {
    const { page } = b
    await page.goto(`${base}/wall/${WALL}`)
    // The wall at rest, as it runs all day: live, and its map loaded (every tile drawn), as bench:client's skew
    // waits for too. Its start-up (the first live frame) is bench:client's figure, not a seek's.
    await page.waitForFunction(() => window.__onescreen?.live?.().status === 'live' && (window.__onescreen?.mapState?.().coloured ?? 0) > 0 && !!window.__onescreen?.mapState?.().loaded, undefined, { timeout: 120_000 })
    await control({ op: 'start', at: iso(moments[0]), speed: 3600, play: false })
    await shown(moments[0])
    const seekMs: number[] = []
    for (const at of moments.slice(1)) {
      const t = performance.now()
      await control({ op: 'seek', at: iso(at) })
      await shown(at)
      seekMs.push(performance.now() - t)
    }
    const playback: Record<string, { framesPerSecond: number; replayedHours: number }> = {}
    for (const [name, from] of Object.entries(plays)) {
      await control({ op: 'seek', at: iso(from) })
      await shown(from)
      const f0 = await frames(page)
      const t0 = performance.now()
      await control({ op: 'play' })
      await sleep(seconds * 1000)
      const fps = ((await frames(page)) - f0) / ((performance.now() - t0) / 1000)
      // How far the page got: at 3,600× a second of play is an hour.
      const hours = (((await frameAt(page)) ?? from) - from) / 3_600_000
      await control({ op: 'pause' })
      playback[name] = { framesPerSecond: +fps.toFixed(1), replayedHours: +hours.toFixed(1) }
    }
    await control({ op: 'stop' })
    if (b.errors.length) throw new Error(`the wall's page: ${b.errors.join('; ')}`)
    return { seekMs, playback }
  } finally {
    await b.close()
  }
}
