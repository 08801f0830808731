// A wall's frame lead follows its slowest browser: each reports how long drawing holds its page, and the
// conductor sets the lead that covers the worst of them, switching at a moment every browser knows in advance.
import { expect, test } from 'vitest'
import type { Namespace } from 'socket.io'
import { WallConductor } from '../../../server/live/conductor'
import { flies, FRAME_LEAD, frameDueAt, frameLeadFor, leadOf, leadSettled, stepGrid, stepOf, stepsAround, type WallChange } from '../../../shared/conductor'
import type { WallProfile } from '../../../shared/wall'

/** A conductor of one wall on a fake namespace and clock: what it broadcasts is kept. */
function wall() {
  const clock = { now: 1_000_000 }
  const heard: WallChange[] = []
  const nsp = { on: () => {}, to: () => ({ emit: (_: string, c: WallChange) => heard.push(c) }) } as unknown as Namespace
  const profile = { name: 'pair' } as WallProfile
  const conductor = new WallConductor(nsp, [profile], { idleMs: 60_000, covers: () => true, now: () => clock.now })
  const hold = (browser: number, ms: number) => conductor.share('pair', { hold: { browser, ms } })
  return { clock, heard, conductor, hold, lead: () => conductor.state('pair')!.lead }
}

test('the lead covers the slowest browser: its worst hold on top of the delivery margin, in steps, within bounds', () => {
  expect(frameLeadFor([], FRAME_LEAD.start)).toBe(FRAME_LEAD.base)
  expect(frameLeadFor([12, 640], 500)).toBe(850)
  expect(frameLeadFor([30_000], 500)).toBe(FRAME_LEAD.max)
  // Down only when the need is well below: a worst hold that wanders a little does not move it.
  expect(frameLeadFor([560], 850)).toBeNull()
  expect(frameLeadFor([400], 850)).toBe(600)
})

test('a browser slower than the lead raises it, from a moment after every browser has heard it', () => {
  const w = wall()
  expect(w.lead()).toEqual({ ms: FRAME_LEAD.start, since: 0, before: FRAME_LEAD.start })
  const change = w.hold(2, 700)!
  expect(change.state.lead).toEqual({ ms: 900, since: w.clock.now + 1000, before: 500 })
  expect(w.heard).toEqual([change])
  expect(change.applyAt).toBeLessThan(change.state.lead.since)
  // Frames built before the switch keep the old lead, so no browser applies one of them with the new.
  expect(leadOf(change.state.lead, w.clock.now + 999)).toBe(500)
  expect(leadOf(change.state.lead, w.clock.now + 1000)).toBe(900)
})

test('a hold that does not move the lead is not broadcast, and nothing else of the wall changes', () => {
  const w = wall()
  const before = w.conductor.state('pair')!
  expect(w.hold(1, 250)).toBeNull()
  expect(w.heard).toEqual([])
  expect(w.conductor.state('pair')).toBe(before)
})

test('the lead comes down when the slow browser is gone (its hold is forgotten after 90 s), one switch at a time', () => {
  const w = wall()
  w.hold(1, 700)
  // During a switch the lead stays: a second switch could reach a browser after frames that need it.
  w.clock.now += 500
  expect(w.hold(2, 1500)).toBeNull()
  w.clock.now += 600
  expect(w.hold(2, 20)).toBeNull() // browser 1's 700 still counts
  w.clock.now += 90_000
  const down = w.hold(2, 20)!
  expect(down.state.lead).toMatchObject({ ms: 250, before: 900 })
})

test('a browser that reports with a shared change: the change goes out once, with the new lead', () => {
  const w = wall()
  const change = w.conductor.share('pair', { window: '7d', hold: { browser: 1, ms: 300 } })!
  expect(change.state).toMatchObject({ window: '7d', lead: { ms: 500 } })
  expect('hold' in change.state).toBe(false)
  expect(w.heard).toHaveLength(1)
})

test('a wall flies its camera while its slowest browser draws a map frame within 100 ms, and cuts beyond', () => {
  const w = wall()
  expect(flies(w.lead())).toBe(false) // until the browsers have reported
  const gpu = w.hold(1, 8)!
  expect(gpu.state.lead.ms).toBe(250)
  expect(flies(gpu.state.lead)).toBe(true)
  w.clock.now += 2000
  const software = w.hold(2, 320)!
  expect(flies(software.state.lead)).toBe(false)
})

test('a wall that cuts works in steps that leave room for its worst hold and divide the tour\'s 12 s', () => {
  expect(stepOf(250)).toBe(0) // a GPU: frames as they come
  expect(stepOf(350)).toBe(400) // a 150 ms hold
  expect(stepOf(1200)).toBe(1200) // a 1,000 ms hold
  expect(stepOf(FRAME_LEAD.max)).toBe(2000)
  for (const ms of [350, 500, 700, 900, 1200, 1500, 2000]) {
    expect(12_000 % stepOf(ms), `lead ${ms}`).toBe(0)
    expect(stepOf(ms)).toBeGreaterThanOrEqual(ms - FRAME_LEAD.base + 100)
  }
})

test('a frame is due after its lead, on a stepping wall at the next step, where the map draws too', () => {
  const gpu = { ms: 250, since: 0, before: 250 }
  expect(frameDueAt(gpu, 10_030)).toBe(10_280)
  expect(stepsAround(gpu, 10_030)).toBeNull()
  const slow = { ms: 1200, since: 0, before: 1200 }
  expect(frameDueAt(slow, 10_030)).toBe(12_000)
  expect(stepsAround(slow, 11_999)).toEqual({ last: 10_800, next: 12_000 })
  expect(stepsAround(slow, 12_000)).toEqual({ last: 12_000, next: 13_200 })
})

test('across a switch of steps, a frame is due on the steps the map draws on, whenever it was built', () => {
  // Traced: the lead went 1,200 → 900 ms (steps 1.2 → 1 s); a frame built just before the switch was due on the
  // old steps while the map already drew on the new, and the two browsers applied it 194 ms apart.
  const lead = { ms: 900, since: 1_001_000, before: 1200 }
  expect(stepGrid(lead)).toEqual({ before: 1200, after: 1000, at: 1_002_000 })
  const due = frameDueAt(lead, 1_000_950)
  expect(due).toBe(1_003_000)
  expect(stepsAround(lead, due)).toEqual({ last: due, next: due + 1000 })
  expect(stepsAround(lead, 1_001_999)).toEqual({ last: 1_000_800, next: 1_002_000 })

  const leads = [250, 350, 500, 700, 900, 1200, 1500, 2000]
  for (const before of leads)
    for (const ms of leads) {
      const l = { ms, since: 1_001_037, before }
      let last = 0
      for (let at = l.since - 3000; at < l.since + 3000; at += 7) {
        const due = frameDueAt(l, at)
        const msg = `${before} → ${ms}, built at ${at}`
        expect(due, msg).toBeGreaterThanOrEqual(at + leadOf(l, at))
        const around = stepsAround(l, due)
        if (around) expect(around.last, msg).toBe(due)
        // Frames are applied in order (client/live/frameHold.ts): one built later may be due earlier, not skip a step.
        if (at < l.since) expect(due, msg).toBeGreaterThanOrEqual(last)
        last = due
      }
    }
})

test('a wall switches its lead again only once the last switch has settled: the lead knows the one before, not two', () => {
  const w = wall()
  const first = w.hold(1, 1000)!.state.lead // 500 → 1,200: steps 400 → 1,200
  expect(first).toMatchObject({ ms: 1200, before: 500 })
  const settled = leadSettled(first)
  expect(settled).toBeGreaterThan(first.since)
  expect(settled % 1200).toBe(0)
  w.clock.now = first.since + 1
  expect(w.hold(1, 600)).toBeNull() // frames of the 500 ms lead may still be due on the 400 ms steps
  w.clock.now = settled
  expect(w.hold(1, 600)!.state.lead).toMatchObject({ ms: 800, before: 1200 })
})
