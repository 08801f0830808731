// Holding live frames until their apply-at time: on time, in order, at once when nothing is held, and
// forgotten when the screen moves to another subscription.
import { afterEach, beforeEach, expect, it, vi } from 'vitest'
import { FrameHold } from '../../../client/live/frameHold'

beforeEach(() => vi.useFakeTimers())
afterEach(() => vi.useRealTimers())

it('runs each frame at its time, never before the one before it', () => {
  const h = new FrameHold()
  const ran: [string, number][] = []
  const t0 = Date.now()
  h.run(150, () => ran.push(['a', Date.now() - t0]))
  h.run(40, () => ran.push(['b', Date.now() - t0])) // due earlier, but after a
  vi.advanceTimersByTime(100)
  expect(ran).toEqual([])
  vi.advanceTimersByTime(50)
  expect(ran).toEqual([['a', 150], ['b', 150]])
  h.run(0, () => ran.push(['c', Date.now() - t0])) // nothing held: at once
  expect(ran.at(-1)).toEqual(['c', 150])
})

it('drops what it holds on clear', () => {
  const h = new FrameHold()
  const ran: string[] = []
  h.run(100, () => ran.push('old'))
  h.clear()
  vi.advanceTimersByTime(500)
  expect(ran).toEqual([])
  expect(vi.getTimerCount()).toBe(0)
})
