// The replay launcher's intervals on the district's clock (UTC+8), whatever the kiosk's timezone.
import { describe, expect, it } from 'vitest'
import { lastNight, onDate, yesterday } from '../../client/composables/useReplay'

const at = (iso: string) => Date.parse(iso)
const now = at('2026-12-03T10:30:00+08:00')

describe('replay intervals', () => {
  it('last night is 20:00 yesterday to 08:00 today, and yesterday is midnight to midnight', () => {
    expect(lastNight(now)).toEqual({ at: at('2026-12-02T20:00:00+08:00'), until: at('2026-12-03T08:00:00+08:00') })
    expect(lastNight(at('2026-12-03T06:00:00+08:00')).until).toBe(at('2026-12-03T06:00:00+08:00'))
    expect(yesterday(now)).toEqual({ at: at('2026-12-02T00:00:00+08:00'), until: at('2026-12-03T00:00:00+08:00') })
  })

  it('a date and time plays the 24 hours from then: the rainstorm night to its morning', () => {
    expect(onDate('2026-07-29', '20:00', now)).toEqual({ at: at('2026-07-29T20:00:00+08:00'), until: at('2026-07-30T20:00:00+08:00') })
    expect(onDate('2026-07-29', undefined, now)).toEqual({ at: at('2026-07-29T00:00:00+08:00'), until: at('2026-07-30T00:00:00+08:00') })
    // Not beyond now, and nothing in the future or malformed.
    expect(onDate('2026-12-03', '06:00', now)).toEqual({ at: at('2026-12-03T06:00:00+08:00'), until: now })
    expect(onDate('2026-12-03', '11:00', now)).toBeNull()
    expect(onDate('2026-7-29', '20:00', now)).toBeNull()
    expect(onDate('2026-07-29', '8pm', now)).toBeNull()
  })
})
