// Drawing the map around held live frames (client/map/framePace.ts): a repaint asked for shortly before a held
// frame is due is put off until just after it, once; with no frame held, or a cheap frame, it is drawn at once.
import { afterEach, beforeEach, expect, it, vi } from 'vitest'
import type { Map as MapLibre } from 'maplibre-gl'
import { FramePace, pageHold, paceRepaints, WorstHold } from '../../../client/map/framePace'
import { cutQuiet } from '../../../shared/tourCut'

beforeEach(() => vi.useFakeTimers())
afterEach(() => vi.useRealTimers())

it('puts a repaint off only when the due frame is nearer than a frame costs', () => {
  const p = new FramePace()
  expect(p.wait(1000, 900)).toBe(0) // nothing learnt yet: a frame is taken to be free
  p.drew(200, 0)
  expect(p.wait(null, 900)).toBe(0)
  expect(p.wait(1000, 900)).toBe(100)
  expect(p.wait(1000, 500)).toBe(0) // 500 ms ahead: this frame is done by then, even at twice its cost
  expect(p.wait(1000, 700)).toBe(300) // 300 ms ahead: done in time only if it costs no more than usual
  expect(p.wait(1000, 1001)).toBe(0) // already due
  p.drew(10, 0)
  expect(p.cost).toBeCloseTo(180) // a burst of slow frames fades out, not at once
  p.drew(5000, 0)
  expect(p.cost).toBe(1000)
})

it('gives the page as long as a frame cost to itself before the next frame', () => {
  const p = new FramePace()
  p.drew(200, 1000)
  expect(p.wait(null, 1050)).toBe(150) // messages and timers run in between
  expect(p.wait(null, 1200)).toBe(0)
  expect(p.wait(1300, 1050)).toBe(250) // after the rest a frame would still be drawing at the due frame
  expect(p.wait(2000, 1050)).toBe(150)
})

/** A stand-in for a MapLibre map: counts what it draws, and lets the test fire its 'render' event. */
function fakeMap() {
  const handlers: (() => void)[] = []
  const m = {
    drawn: 0,
    triggerRepaint() {
      m.drawn++
    },
    on: (_: string, f: () => void) => handlers.push(f),
    off: (_: string, f: () => void) => handlers.splice(handlers.indexOf(f), 1),
    render: () => handlers.forEach((f) => f()),
  }
  return m
}

it('draws a repaint asked for just before a held frame right after it, and at once when none is near', () => {
  const m = fakeMap()
  const pace = new FramePace()
  pace.drew(300, 0)
  let due: number | null = Date.now() + 100
  const undo = paceRepaints(m as unknown as MapLibre, () => due, pace)
  m.triggerRepaint()
  m.triggerRepaint() // asked again meanwhile: still one frame
  expect(m.drawn).toBe(0)
  vi.advanceTimersByTime(100)
  expect(m.drawn).toBe(0)
  due = Date.now() + 1000 // the frame was applied; the next is far
  vi.advanceTimersByTime(1) // just after it: drawn, whatever is due next
  expect(m.drawn).toBe(1)
  m.triggerRepaint()
  expect(m.drawn).toBe(2)
  due = null
  m.triggerRepaint()
  expect(m.drawn).toBe(3)
  undo()
  due = Date.now() + 100
  m.triggerRepaint()
  expect(m.drawn).toBe(4)
  expect(vi.getTimerCount()).toBe(0)
})

it('learns what a frame costs from its render event to the next task (after the frame is committed)', () => {
  const m = fakeMap()
  const pace = new FramePace()
  paceRepaints(m as unknown as MapLibre, () => null, pace)
  vi.spyOn(performance, 'now').mockReturnValueOnce(1000).mockReturnValueOnce(1240)
  m.render()
  expect(pace.cost).toBe(0)
  vi.advanceTimersByTime(0)
  expect(pace.cost).toBe(240)
})

it('decides a repaint put off for the rest again when the rest is over: a frame that came in meanwhile is waited for', () => {
  const m = fakeMap()
  const pace = new FramePace()
  pace.drew(300, Date.now()) // a map frame just let go of the page: it rests 300 ms
  let due: number | null = null
  paceRepaints(m as unknown as MapLibre, () => due, pace)
  m.triggerRepaint() // no live frame held: put off for the rest only
  vi.advanceTimersByTime(100)
  due = Date.now() + 250 // a live frame came in, due 50 ms after the rest: a frame drawn then would hold it
  vi.advanceTimersByTime(201)
  expect(m.drawn).toBe(0)
  vi.advanceTimersByTime(50)
  expect(m.drawn).toBe(1) // right after the due frame
  expect(vi.getTimerCount()).toBe(0)
})

it('draws a repaint put off for the rest when it is over, if no frame is due soon', () => {
  const m = fakeMap()
  const pace = new FramePace()
  pace.drew(300, Date.now())
  const due = Date.now() + 5000
  paceRepaints(m as unknown as MapLibre, () => due, pace)
  m.triggerRepaint()
  vi.advanceTimersByTime(300)
  expect(m.drawn).toBe(0)
  vi.advanceTimersByTime(1)
  expect(m.drawn).toBe(1)
})

it('decides a repaint asked for while a map frame still holds the page once that frame is measured', () => {
  const m = fakeMap()
  const pace = new FramePace()
  const due = Date.now() + 400
  paceRepaints(m as unknown as MapLibre, () => due, pace)
  const t = performance.now()
  const now = vi.spyOn(performance, 'now').mockReturnValueOnce(t).mockReturnValueOnce(t + 300)
  m.render() // a map frame is drawn; the page commits it (300 ms, learnt after it)
  m.triggerRepaint() // asked for inside that frame (the tour's next camera step)
  expect(m.drawn).toBe(0)
  vi.advanceTimersByTime(0)
  now.mockRestore()
  expect(pace.cost).toBe(300)
  // 400 ms ahead, a 300 ms rest then a 300 ms frame would run past the due frame: drawn just after it.
  vi.advanceTimersByTime(400)
  expect(m.drawn).toBe(0)
  vi.advanceTimersByTime(1)
  expect(m.drawn).toBe(1)
})

it('a repaint decided again while the page still rests keeps clear of a due frame inside that rest', () => {
  const m = fakeMap()
  const pace = new FramePace()
  pace.drew(300, Date.now()) // rest until +300
  let due: number | null = null
  paceRepaints(m as unknown as MapLibre, () => due, pace)
  m.triggerRepaint() // put off for the rest
  vi.advanceTimersByTime(250)
  pace.drew(400, Date.now()) // another piece of the map drew meanwhile: the page now rests until +650
  due = Date.now() + 100 // and a live frame came in, due at +350, inside that rest
  vi.advanceTimersByTime(51) // the first rest is over: decided again
  expect(m.drawn).toBe(0) // drawing now would hold the page over the due frame
  vi.advanceTimersByTime(400)
  expect(m.drawn).toBe(1) // after the rest (and so after the due frame)
  expect(vi.getTimerCount()).toBe(0)
})

it("the page's worst hold of the last three minutes, in ten-second buckets, is what it reports to its wall", () => {
  const h = new WorstHold()
  expect(h.worst(0)).toBe(0)
  h.add(120, 1_000)
  h.add(640, 4_000) // the same bucket: its worst
  h.add(90, 12_000)
  expect(h.worst(12_000)).toBe(640)
  // Three minutes after the 640 ms frame's bucket began, only the later ones count.
  expect(h.worst(181_000)).toBe(90)
  expect(h.worst(191_000)).toBe(90)
  h.add(30, 200_000)
  expect(h.worst(200_000)).toBe(30)
  expect(h.worst(380_000)).toBe(0)
  // Bounded: a page drawing for a year keeps one number a bucket.
  for (let t = 0; t < 3_600_000; t += 50) h.add(5, 400_000 + t)
  expect((h as unknown as { buckets: unknown[] }).buckets.length).toBeLessThanOrEqual(19)
})

it('on a wall that steps, draws only just after a step: a repaint asked for between steps waits for the next', () => {
  const m = fakeMap()
  const step = 1200
  const steps = (t: number) => ({ last: Math.floor(t / step) * step, next: Math.floor(t / step) * step + step })
  vi.setSystemTime(12_000 + 300) // 300 ms into a step
  paceRepaints(m as unknown as MapLibre, () => Date.now() + 900, new FramePace(), steps)
  m.triggerRepaint()
  m.triggerRepaint() // asked again meanwhile: one frame
  vi.advanceTimersByTime(900 + 1)
  expect(m.drawn).toBe(0)
  vi.advanceTimersByTime(1) // 2 ms after the step, once its live frames are applied
  expect(m.drawn).toBe(1)
  expect(Date.now()).toBe(13_202)
  // MapLibre asks again from inside that frame (tiles, fades), and again once it let go of the page: one frame a
  // step, so the next waits for the next step, however soon it is asked for.
  m.triggerRepaint()
  m.render()
  vi.advanceTimersByTime(1) // the frame's commit
  expect(m.drawn).toBe(1)
  vi.advanceTimersByTime(14_402 - Date.now() - 1)
  expect(m.drawn).toBe(1)
  vi.advanceTimersByTime(1)
  expect(m.drawn).toBe(2)
})

it('on a wall that steps, a repaint asked for just after a step is drawn at once, once a step', () => {
  const m = fakeMap()
  const steps = (t: number) => ({ last: Math.floor(t / 1000) * 1000, next: Math.floor(t / 1000) * 1000 + 1000 })
  vi.setSystemTime(20_010)
  paceRepaints(m as unknown as MapLibre, () => null, new FramePace(), steps)
  m.triggerRepaint() // 10 ms after a step: its live frames were applied, so at once
  expect(m.drawn).toBe(1)
  m.render()
  vi.advanceTimersByTime(5)
  m.triggerRepaint() // 15 ms after the step, a cheap frame done: still the step's second frame, so it waits
  expect(m.drawn).toBe(1)
  vi.advanceTimersByTime(21_002 - Date.now())
  expect(m.drawn).toBe(2)
})

it("in a tour stop's quiet, draws the new view's tiles as they come in, until its frames could no longer be done by its end", () => {
  const m = fakeMap()
  // A wall of 1.2 s steps whose tour cut at 12 s: no live frame is due until 15.6 s (shared/tourCut.ts).
  const steps = (t: number) => {
    const q = cutQuiet(1200, t)
    const last = Math.floor(t / 1200) * 1200
    return q ? { last: q.cut, next: q.end, free: q.drawUntil } : { last, next: last + 1200 }
  }
  const holds: number[] = []
  vi.spyOn(pageHold, 'add').mockImplementation((ms) => void holds.push(ms))
  vi.setSystemTime(12_005)
  paceRepaints(m as unknown as MapLibre, () => null, new FramePace(), steps)
  m.triggerRepaint() // the cut
  expect(m.drawn).toBe(1)
  const frame = (ms: number) => {
    m.render()
    vi.advanceTimersByTime(ms)
  }
  frame(300)
  // Tiles came in: drawn at once, not at the next step (13.2 s), and again when more came in after that frame.
  vi.setSystemTime(12_600)
  m.triggerRepaint()
  expect(m.drawn).toBe(2)
  m.triggerRepaint() // asked from inside the frame: drawn once it let go
  frame(700)
  expect(m.drawn).toBe(3)
  frame(400)
  // 13.7 s: a frame begun now might not be done by 15.6 s, when the quiet's frames are applied; it waits for them.
  vi.setSystemTime(13_700)
  m.triggerRepaint()
  expect(m.drawn).toBe(3)
  vi.advanceTimersByTime(15_601 - Date.now())
  expect(m.drawn).toBe(3)
  vi.advanceTimersByTime(1)
  expect(m.drawn).toBe(4)
  frame(500)
  // The wall's lead is sized on the frames outside a quiet: a quiet covers its own.
  expect(holds).toHaveLength(1)
  vi.restoreAllMocks()
})
