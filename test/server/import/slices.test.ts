import { describe, expect, it } from 'vitest'
import { sliceBudget, sliceRows } from '../../../server/import/slices'

const b = { sliceMs: 20, turnMs: 24, minMs: 8 }

describe('how long an import commit may take', () => {
  it('takes the whole slice when the loop has room, and what the rest leaves of a turn when it has not', () => {
    expect(sliceBudget(b, [0, 1, 0, 2])).toBe(20)
    expect(sliceBudget(b, [0, 10, 3, 0])).toBe(14)
    // The longest recent gap counts: one busy turn (a frame round, a burst of requests) is enough.
    expect(sliceBudget(b, [30, 0, 0, 0])).toBe(8)
  })

  it('never goes under the floor, nor over a ceiling set below it', () => {
    expect(sliceBudget(b, [500])).toBe(8)
    expect(sliceBudget({ ...b, sliceMs: 3 }, [0])).toBe(3)
    expect(sliceBudget({ ...b, sliceMs: 3 }, [500])).toBe(3)
  })

  it('turns the budget into rows at the cheapest recent cost a row, within 8 and the batch', () => {
    expect(sliceRows(20, [0.1, 0.2, Infinity], 1000)).toBe(200)
    expect(sliceRows(20, [Infinity], 1000)).toBe(8)
    expect(sliceRows(20, [0.001], 1000)).toBe(1000)
  })
})
