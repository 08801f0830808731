// A screen's replay: the district as it stood at a past moment, played forward through the same frames as
// live. Start (a moment, or an interval such as last night, yesterday or a date), play, pause, step, seek,
// speed, and one action back to live. The replayed moment is the frames' own time (frameAt), so the badge
// moves with what the panels show. A page opened with ?replay=<RFC 3339>[&until=…][&speed=…] starts one.
import { computed, ref, type ShallowRef } from 'vue'
import { useRoute } from 'vue-router'
import { SPEEDS, type ReplayAck, type ReplayStatus } from '../../shared/replay'
import type { ScreenCommand } from '../live/liveClient'
import { clock } from '../format'

export interface ReplaySource {
  replay: ShallowRef<ReplayStatus | null>
  frameAt: ShallowRef<number | null>
  command: (cmd: ScreenCommand) => Promise<ReplayAck>
  firstFrame: Promise<void>
}

export interface Interval {
  at: number
  until: number | null
}

const HOUR = 3_600_000
/** Step by one second of play at the current speed (at least a minute). */
const stepMs = (speed: number) => Math.max(60_000, speed * 1000)

/** Last night: yesterday 20:00 to today 08:00 on the district's clock. */
export function lastNight(now = Date.now()): Interval {
  const today = clock.dayStart(clock.dayOf(now))
  return { at: today - 4 * HOUR, until: Math.min(now, today + 8 * HOUR) }
}

/** Yesterday, midnight to midnight. */
export function yesterday(now = Date.now()): Interval {
  const today = clock.dayStart(clock.dayOf(now))
  return { at: today - 24 * HOUR, until: today }
}

/** A date (YYYY-MM-DD) and optional time (HH:MM) on the district's clock: the 24 hours from then (a date
 *  alone is that whole day; an evening takes in the night after it, as a review of a night needs). */
export function onDate(date: string, time = '00:00', now = Date.now()): Interval | null {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date)
  const t = /^(\d{2}):(\d{2})$/.exec(time)
  if (!d || !t) return null
  const wall = Date.UTC(+d[1], +d[2] - 1, +d[3], +t[1], +t[2])
  const at = wall - clock.offsetMs
  return at > now ? null : { at, until: Math.min(at + 24 * HOUR, now) }
}

export function useReplay(source: ReplaySource) {
  const route = useRoute()
  const status = source.replay
  const error = ref<string | null>(null)
  const busy = ref(false)
  const active = computed(() => status.value !== null)
  /** The replayed moment the screen shows. */
  const at = computed(() => (status.value ? (source.frameAt.value ?? status.value.at) : null))

  async function send(cmd: ScreenCommand): Promise<boolean> {
    busy.value = true
    try {
      const ack = await source.command(cmd)
      error.value = ack.ok ? null : ack.error
      return ack.ok
    } finally {
      busy.value = false
    }
  }

  const start = (i: Interval, speed = 60) => send({ op: 'start', at: i.at, until: i.until, speed, play: true })

  // A kiosk URL can open straight into a replay (the README's rainstorm night, a briefing's bookmark).
  const asked = typeof route.query.replay === 'string' ? Date.parse(route.query.replay) : NaN
  if (Number.isFinite(asked)) {
    const until = typeof route.query.until === 'string' ? Date.parse(route.query.until) : NaN
    const speed = Number(route.query.speed)
    void source.firstFrame.then(() =>
      start({ at: asked, until: Number.isFinite(until) ? until : null }, SPEEDS.includes(speed as (typeof SPEEDS)[number]) ? speed : 60),
    )
  }

  return {
    status, at, active, error, busy,
    start,
    lastNight: () => start(lastNight()),
    yesterday: () => start(yesterday()),
    play: () => send({ op: 'play' }),
    pause: () => send({ op: 'pause' }),
    step: () => send({ op: 'step', ms: stepMs(status.value?.speed ?? 60) }),
    back: () => at.value !== null && send({ op: 'seek', at: Math.max(status.value!.logStart, at.value - stepMs(status.value!.speed)) }),
    seek: (t: number) => send({ op: 'seek', at: t }),
    speed: (s: number) => send({ op: 'speed', speed: s }),
    /** Back to live. */
    stop: () => send({ op: 'stop' }),
  }
}

export type Replay = ReturnType<typeof useReplay>
