import { describe, expect, it } from 'vitest'
import { localTime, number, text } from '../../../server/import/cells'

const CST = 8 * 60
const at = (iso: string) => Date.parse(iso)

describe('cells', () => {
  it('reads local export times in the mapping offset', () => {
    expect(localTime('2025-12-01 09:41:27', CST)).toBe(at('2025-12-01T09:41:27+08:00'))
    expect(localTime('2025/12/1 9:05', CST)).toBe(at('2025-12-01T09:05:00+08:00'))
    expect(localTime('2025.12.01 23:59:59', CST)).toBe(at('2025-12-01T23:59:59+08:00'))
    expect(localTime('2025年12月1日 9时5分', CST)).toBe(at('2025-12-01T09:05:00+08:00'))
    expect(localTime('2025-12-01T09:00:00', 0)).toBe(at('2025-12-01T09:00:00Z'))
  })

  it('honours an explicit zone over the mapping offset', () => {
    expect(localTime('2025-12-01T09:00:00Z', CST)).toBe(at('2025-12-01T09:00:00Z'))
    expect(localTime('2025-12-01 09:00:00+0100', CST)).toBe(at('2025-12-01T08:00:00Z'))
  })

  it('reads Excel date cells and serial numbers as wall-clock time', () => {
    // exceljs hands a date cell over as a Date whose UTC fields are the sheet's wall clock.
    expect(localTime(new Date(Date.UTC(2025, 11, 1, 9, 30)), CST)).toBe(at('2025-12-01T09:30:00+08:00'))
    // 45992.5 = 2025-12-01 12:00 in the 1900 date system.
    expect(localTime(45992.5, CST)).toBe(at('2025-12-01T12:00:00+08:00'))
    expect(localTime(12, CST)).toBeNull()
  })

  it('refuses impossible dates and tells a date without time apart', () => {
    expect(localTime('2025-02-30 10:00', CST)).toBeNull()
    expect(localTime('2025-13-45 25:61', CST)).toBeNull()
    expect(localTime('2025-12-01 24:00', CST)).toBeNull()
    // The same through the fast path for the usual 19-character form.
    expect(localTime('2025-02-30 10:00:00', CST)).toBeNull()
    expect(localTime('2025-12-01 24:00:00', CST)).toBeNull()
    expect(localTime('2025-12-01 23:60:00', CST)).toBeNull()
    expect(localTime('abcd-ef-gh ij:kl:mn', CST)).toBeNull()
    expect(localTime('yesterday', CST)).toBeNull()
    expect(localTime('2025-12-01', CST)).toBe('date-only')
  })

  it('reads numbers strictly and text trimmed', () => {
    expect(number('113.621234')).toBe(113.621234)
    expect(number(' 34.7 ')).toBe(34.7)
    expect(number('113,62')).toBeNaN()
    expect(number('')).toBeNaN()
    expect(number(12)).toBe(12)
    expect(text('  张先生 ')).toBe('张先生')
    expect(text(null)).toBe('')
    expect(text(13812345678)).toBe('13812345678')
  })
})
