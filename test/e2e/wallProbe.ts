// Reading a wall's browsers through the client's opt-in probes (client/debug.ts): the wall state each shows,
// and the frame skew between two of them. Shared by the wall-link e2e test and bench:client.
import type { Page } from 'playwright-core'

export type WallProbe = NonNullable<ReturnType<NonNullable<NonNullable<Window['__onescreen']>['wall']>>>
export type Frame = { seq: number; at: number; built: number | null }

export const wallOf = (page: Page) => page.evaluate(() => window.__onescreen?.wall?.() ?? null)
export const framesOf = (page: Page) => page.evaluate(() => [...(window.__onescreen?.frames ?? [])])

/** Wait until the page has joined its wall and shows live data. */
export async function joined(page: Page, timeout = 60_000): Promise<void> {
  await page.waitForFunction(() => !!window.__onescreen?.wall?.() && window.__onescreen.live?.().status === 'live', undefined, { timeout, polling: 100 })
}

/** Joined, live, and the map loaded: the page at rest, as a wall runs all day (its start-up work done). */
export async function settled(page: Page, timeout = 120_000): Promise<void> {
  await joined(page, timeout)
  await page.waitForFunction(() => !!window.__onescreen?.mapState?.().loaded, undefined, { timeout, polling: 200 })
}

/** Frames gathered from several reads of a page's bounded frame list, by seq. */
export function merge(into: Map<number, number>, frames: Frame[]): Map<number, number> {
  for (const f of frames) if (!into.has(f.seq)) into.set(f.seq, f.at)
  return into
}

/** |a − b| for every frame both applied after seq `after` (snapshots at seq 0 always left out), sorted. */
export function skews(a: Map<number, number>, b: Map<number, number>, after = 0): number[] {
  return [...a].filter(([seq]) => seq > after && b.has(seq)).map(([seq, at]) => Math.abs(at - b.get(seq)!)).sort((x, y) => x - y)
}

export const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * q) - 1)]
