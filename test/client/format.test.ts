// Formatting on the district's clock (UTC+8) whatever the kiosk's timezone, and "no data" as a dash.
import { describe, expect, it } from 'vitest'
import { clock, formatClock, formatCount, formatPermille, formatRate } from '../../client/format'

const at = (iso: string) => Date.parse(iso)

describe('format', () => {
  it('shows rates with two decimals and null as no data', () => {
    expect(formatRate(0.96644)).toBe('96.64%')
    expect(formatRate(null)).toBe('—')
    expect(formatPermille(-1)).toBe('—')
    expect(formatPermille(989)).toBe('98.9%')
    expect(formatCount(289000)).toBe('289,000')
  })

  it('tells time in Shanghai', () => {
    expect(formatClock(at('2026-01-01T16:30:05Z'))).toBe('00:30:05')
  })

  it('starts windows at Shanghai midnight and on the first of the month', () => {
    // 00:30 on 1 Jan in Shanghai is still 31 Dec in UTC.
    const now = at('2026-01-01T16:30:00Z')
    expect(clock.windowStart('today', now)).toBe(at('2026-01-01T16:00:00Z'))
    expect(clock.windowStart('7d', now)).toBe(at('2025-12-26T16:00:00Z'))
    expect(clock.windowStart('month', now)).toBe(at('2025-12-31T16:00:00Z'))
    expect(clock.windowStart('all', now)).toBeNull()
  })
})
