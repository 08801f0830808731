// Script time to apply a delta touching every micro grid, inside the page: decode + scatter + recolour of
// every map piece (one on a monitor, one per screen the map spans on a wall), with the micro grids on screen
// (worst case) and at the district view; baseline: raw MapLibre setFeatureState on every micro grid.
import type { Page } from 'playwright-core'

/** Script time to apply a delta touching every micro grid, inside the page. */
export async function measureDelta(page: Page) {
  // tsx keeps function names with a helper the page does not have.
  await page.evaluate('globalThis.__name = (f) => f')
  return page.evaluate(async () => {
    const h = window.__onescreen as unknown as {
      applyGrids: (v: Record<string, Int32Array>, c: Int32Array | null) => number
      zoomToLevel: (l: number) => void
      mapState: () => { level: number }
      microIndices: () => Int32Array
      currentValues: () => Record<string, Int32Array>
      protocol: { encodeGridValues: (i: ArrayLike<number>, r: Record<string, ArrayLike<number>>) => unknown; decodeGridValues: (g: unknown) => { index: Int32Array; values: Record<string, Int32Array> } }
      map: () => { setFeatureState: (f: { source: string; id: number }, s: object) => void }
    }
    const micro = h.microIndices()
    const base = h.currentValues()
    const metrics = Object.keys(base)
    const full: Record<string, Int32Array> = Object.fromEntries(metrics.map((m) => [m, Int32Array.from(base[m])]))
    // Two deltas that move every micro grid across colour classes and back.
    const frames = [0, 1].map((flip) => {
      const rows: Record<string, number[]> = Object.fromEntries(metrics.map((m) => [m, [] as number[]]))
      micro.forEach((i, k) => {
        for (const m of metrics) rows[m].push(m === 'closureRate' || m === 'satisfaction' ? (flip ? 999 : 700 + (k % 300)) : flip ? base[m][i] + 40 + (k % 50) : base[m][i])
      })
      return h.protocol.encodeGridValues(micro, rows)
    })
    const apply = (packed: unknown) => {
      const t0 = performance.now()
      const d = h.protocol.decodeGridValues(packed)
      for (const m of metrics) {
        const dst = full[m]
        const src = d.values[m]
        for (let k = 0; k < d.index.length; k++) dst[d.index[k]] = src[k]
      }
      h.applyGrids(full, d.index)
      return performance.now() - t0
    }
    const run = (n: number) => {
      const out: number[] = []
      for (let k = 0; k < n; k++) out.push(apply(frames[k % 2]))
      return out
    }
    const frameAfter = async () => {
      const t0 = performance.now()
      apply(frames[0])
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))
      const ms = performance.now() - t0
      apply(frames[1])
      return ms
    }
    h.zoomToLevel(1)
    await new Promise((r) => setTimeout(r, 500))
    run(5)
    const district = run(40)
    h.zoomToLevel(4)
    await new Promise((r) => setTimeout(r, 1500))
    run(5)
    const micro4 = run(40)
    const frames4: number[] = []
    for (let k = 0; k < 5; k++) frames4.push(await frameAfter())
    // Baseline: raw MapLibre, one setFeatureState per micro grid per delta.
    const map = h.map()
    const raw: number[] = []
    for (let k = 0; k < 40; k++) {
      const t0 = performance.now()
      for (let j = 0; j < micro.length; j++) map.setFeatureState({ source: 'grids-4', id: micro[j] }, { b: (j + k) % 7 })
      raw.push(performance.now() - t0)
    }
    h.zoomToLevel(1)
    return { district, micro: micro4, frameAfter: frames4, raw, grids: micro.length, level: h.mapState().level }
  })
}

