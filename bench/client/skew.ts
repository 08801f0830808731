// Several browsers, one wall (issue 11): the frame skew between two browsers of a 2×1 wall of 1920×1080 panels
// (WALL_PAIR, added to the bench's walls file), under live data at the bench's demo speed. For every frame both
// applied, the difference between the moments they applied it (each page's performance.timeOrigin + now: one
// machine, one clock), read from the client's opt-in probes. Measured from the moment both pages are settled
// (test/e2e/wallProbe.ts: joined their wall, live, map loaded; a browser of a real wall is there seconds after it
// opens, and then runs for months): every frame after the last one either page had applied by then counts. The
// pages keep the frames of their start-up too (fonts, style, the first tiles, the clock not yet sampled); those
// are not the wall at work and are left out. With the live frame rate at the bench's demo speed (0.6–1.2 a
// second), the default 180 s gives over 100 frames, so that p99 is not simply the largest.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { openBrowser, ROOT } from '../../test/e2e/harness'
import { framesOf, merge, quantile, settled, skews, type Frame } from '../../test/e2e/wallProbe'
import { frameDueAt, stepAt, stepOf, type FrameLead } from '../../shared/conductor'
import { dueAfterCut, TOUR_STOP_MS } from '../../shared/tourCut'
import { drain, LOAF_PROBE, mapSummary, pageLog, why, type PageLog } from './skew-why'

export const WALL_PAIR = {
  pair: {
    columns: 2, rows: 1, panel: { width: 1920, height: 1080 }, bezel: 12, window: 'today',
    browsers: [{ column: 1, row: 1 }, { column: 2, row: 1 }],
  },
}

/** A walls file in `dir`: the example walls (the 8K figures use its 4×2 wall) and WALL_PAIR. */
export function wallsFile(dir: string): string {
  const file = join(dir, 'walls.json')
  const example = JSON.parse(readFileSync(join(ROOT, 'fixtures/walls.example.json'), 'utf8')) as object
  writeFileSync(file, JSON.stringify({ ...example, ...WALL_PAIR }))
  return file
}

export async function measureSkew(urlBase: string, seconds: number, log: (s: string) => void) {
  const pages = [await openBrowser(1920, 1080), await openBrowser(1920, 1080)]
  try {
    for (const b of pages) await b.context.addInitScript(LOAF_PROBE)
    await Promise.all(pages.map((b, k) => b.page.goto(`${urlBase}/wall/pair/${k + 1}`)))
    await Promise.all(pages.map((b) => settled(b.page)))
    // Frames applied before this moment belong to the pages' start-up.
    const from = Math.max(...(await Promise.all(pages.map((b) => b.page.evaluate(() => window.__onescreen?.live?.().seq ?? 0)))))
    const [fa, fb] = [new Map<number, number>(), new Map<number, number>()]
    const built = new Map<number, number>()
    const leads: FrameLead[] = []
    const logs = [pageLog(), pageLog()]
    for (let k = 0; k < 2; k++) await drain(pages[k].page, logs[k])
    const t0 = Date.now()
    // The pages keep their last few hundred frames: read them often enough to lose none.
    for (let t = 0; t < seconds; t += 5) {
      await new Promise((r) => setTimeout(r, 5000))
      const a = await framesOf(pages[0].page)
      merge(fa, a)
      merge(fb, await framesOf(pages[1].page))
      for (const f of a) if (f.built !== null) built.set(f.seq, f.built)
      const lead = await pages[0].page.evaluate(() => window.__onescreen?.wall?.()?.lead ?? null)
      if (lead && lead.since !== leads.at(-1)?.since) leads.push(lead)
      for (let k = 0; k < 2; k++) await drain(pages[k].page, logs[k])
    }
    const s = skews(fa, fb, from)
    // What holding costs: from when the server built a frame to when the first page applied it (one machine, one clock).
    const latency = [...fa].filter(([seq]) => seq > from && built.has(seq)).map(([seq, at]) => at - built.get(seq)!).sort((x, y) => x - y)
    const late = lateFrames(fa, fb, built, leads, 50, logs).filter((f) => f.seq > from)
    for (const f of late) {
      log(`  frame ${f.seq}: skew ${f.skewMs.toFixed(0)} ms; applied ${f.lateMs.map((x) => x.toFixed(0)).join(' and ')} ms after it was due (lead ${f.leadMs} ms, due ${f.dueInTour} ms into a tour stop)`)
      f.why.forEach((w, k) => log(`    page ${k + 1}: timer ${w.timerLateMs} ms late, offset ${w.offsetMs}; map frames ${w.mapFrames.join(' ') || '-'}; long frames ${w.loafs.join(' | ') || '-'}`))
    }
    const step = stepOf(leads.at(-1)?.ms ?? 0)
    const over = step ? step - 20 : 1000
    const maps = logs.map((l) => ({ startUp: mapSummary(l, over, 0).whole, run: mapSummary(l, over, t0) }))
    const show = (x: { n: number; p50: number; p90: number; max: number }) => `${x.n} p50 ${x.p50} p90 ${x.p90} max ${x.max}`
    maps.forEach(({ startUp, run: m }, k) => log(`  page ${k + 1} map frames (ms): scripts ${show(m.js)}; held after ${show(m.held)}; whole ${show(m.whole)}, ${m.over} of ${over} ms or more (from its start: ${show(startUp)}); clock offsets ${m.offsets.join(', ')}`))
    // The wall's frame lead at the end: it follows how long drawing holds the slower page (shared/conductor.ts).
    const lead = await pages[0].page.evaluate(() => window.__onescreen?.wall?.()?.lead.ms ?? null)
    const out = {
      path: '/wall/pair/1 + /wall/pair/2', size: '2 × 1920×1080', seconds, fromSeq: from + 1, frames: s.length,
      p50Ms: quantile(s, 0.5), p99Ms: quantile(s, 0.99), maxMs: s.at(-1) ?? NaN, over50Ms: s.filter((x) => x >= 50).length, late, leads, maps, target: 50, leadMs: lead, pageErrors: pages.flatMap((b) => b.errors).slice(0, 5),
      latencyMs: { p50: quantile(latency, 0.5), p90: quantile(latency, 0.9), max: latency.at(-1) ?? NaN },
    }
    log(`built to applied (page 1): p50 ${out.latencyMs.p50.toFixed(0)} ms, p90 ${out.latencyMs.p90.toFixed(0)} ms, max ${out.latencyMs.max.toFixed(0)} ms`)
    log(`frame skew between two browsers over ${out.frames} frames: p50 ${out.p50Ms.toFixed(1)} ms, p99 ${out.p99Ms.toFixed(1)} ms, max ${out.maxMs.toFixed(1)} ms; frame lead at the end ${lead} ms`)
    return out
  } finally {
    for (const b of pages) await b.close()
  }
}

/**
 * The frames applied `over` ms or more apart, with how late each page applied them against when they were due
 * (shared/conductor.ts frameDueAt, shared/tourCut.ts; the server's clock is the machine's here): a page that is late was busy, a
 * page that is early or late by the same amount for every frame has its clock offset wrong. A frame built
 * before a lead switch counts with the lead that was then, as on the pages.
 */
function lateFrames(a: Map<number, number>, b: Map<number, number>, built: Map<number, Frame['built']>, leads: FrameLead[], over: number, logs: PageLog[]) {
  const out: { seq: number; skewMs: number; lateMs: number[]; leadMs: number; dueInTour: number; why: ReturnType<typeof why>[] }[] = []
  for (const [seq, at] of a) {
    const other = b.get(seq)
    const t = built.get(seq)
    if (other === undefined || t == null || Math.abs(at - other) < over) continue
    const lead = leads.find((l) => l.since > t) ?? leads.at(-1)
    if (!lead) continue
    // The tour moves all run: a frame due in a stop's first seconds is applied at their end (shared/tourCut.ts).
    const stepDue = frameDueAt(lead, t)
    const due = dueAfterCut(stepAt(lead, stepDue), stepDue)
    out.push({
      seq, skewMs: Math.abs(at - other), lateMs: [at - due, other - due], leadMs: t >= lead.since ? lead.ms : lead.before,
      dueInTour: due % TOUR_STOP_MS, why: [why(logs[0], due, at), why(logs[1], due, other)],
    })
  }
  return out
}
