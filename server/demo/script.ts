// What the demo district does, decided by a seeded random stream and nothing else: when reports arrive
// (the day's rhythm on the district's clock), where (weighted to the grids that have always been busy), what
// about (the matters' historical mix), from whom (grid patrols outnumber residents), and each case's path
// through the workflow with realistic durations. Pure: the simulator turns it into API calls.
import type { Random } from '../../shared/random'
import { LEVELS, TRANSITIONS, type Action, type CaseStateName, type Level } from '../../shared/workflow'
import type { Source } from '../../shared/protocol'
import { DAY_MS as DAY, HOUR_MS, MINUTE_MS, type DistrictClock } from '../../shared/clock'

export const MINUTE = MINUTE_MS
export const HOUR = HOUR_MS

/** Cases a day at 1×: the district's 289,000 cases over three years. */
export const CASES_PER_DAY = 264

/** Relative report rate by hour of the local day (mean 1): quiet nights, a morning and an afternoon peak. */
const RHYTHM = [0.15, 0.1, 0.08, 0.08, 0.1, 0.2, 0.45, 0.9, 1.55, 1.9, 1.95, 1.7, 1.2, 1.15, 1.7, 1.9, 1.85, 1.6, 1.2, 0.95, 0.8, 0.6, 0.4, 0.27]
const RHYTHM_MEAN = RHYTHM.reduce((a, b) => a + b, 0) / 24

export function rhythm(now: number, clock: DistrictClock): number {
  return RHYTHM[clock.hourOfDay(now)] / RHYTHM_MEAN
}

/** Milliseconds until the next report at `speed`×, from a Poisson process following the day's rhythm. */
export function nextArrival(rnd: Random, now: number, speed: number, clock: DistrictClock): number {
  const perMs = (CASES_PER_DAY / DAY) * rhythm(now, clock) * speed
  return Math.max(50, rnd.exponential(1 / perMs))
}

export const SOURCE_WEIGHTS: Record<Source, number> = { patrol: 46, app: 20, hotline: 19, video: 10, department: 5 }

export interface DemoMatter {
  code: string
  name: string
  bigClassName: string
  department: string
  /** Length of the time limit from a start now (ms of real time, from the working calendar). */
  limitMs: number
  settleLevel: Level
}

export interface Step {
  action: Exclude<Action, 'report' | 'warn' | 'overdue'>
  /** Real-world delay after the previous step (the simulator divides it by the speed). */
  after: number
  /** dispatch: another department than the matter's (the first dispatch was wrong: 退回 follows). */
  department?: string
  /** register / extend: the deadline is this many limits after now (scaled by the speed). */
  limits?: number
  rating?: 'satisfied' | 'basic' | 'unsatisfied'
  contacted?: boolean
  tri?: boolean
}

const minutes = (rnd: Random, median: number, sigma = 0.6) => rnd.lognormal(median, sigma) * MINUTE

/** The whole path of one case, decided when it is reported. */
export function planCase(rnd: Random, m: DemoMatter, departments: readonly string[]): Step[] {
  const steps: Step[] = []
  const push = (action: Step['action'], after: number, extra: Partial<Step> = {}) => steps.push({ action, after, ...extra })
  if (rnd.chance(0.03)) {
    push('void', minutes(rnd, 12))
    return steps
  }
  push('verify', minutes(rnd, 10))
  push('register', minutes(rnd, 4), { limits: 1 })
  // 小事不出网格: a case climbs only as far as its matter usually settles, and a few 三跨 ones go to the city.
  const rungs = LEVELS.indexOf(m.settleLevel)
  if (rnd.chance(0.01)) push('escalate', minutes(rnd, 20), { tri: true })
  else for (let r = 0; r < rungs && r < 3; r++) if (rnd.chance(0.5)) push('escalate', minutes(rnd, 25))
  const others = departments.filter((d) => d !== m.department)
  const wrong = others.length > 0 && rnd.chance(0.03)
  push('dispatch', minutes(rnd, 15), wrong ? { department: rnd.pick(others) } : {})
  if (wrong) {
    push('return', minutes(rnd, 40))
    push('dispatch', minutes(rnd, 10))
  }
  if (rnd.chance(0.03)) push('supervise', minutes(rnd, 90))
  if (rnd.chance(0.02)) push('extend', minutes(rnd, 60), { limits: 2 })
  if (rnd.chance(0.005)) {
    push('park', minutes(rnd, 60))
    push('resume', minutes(rnd, 240))
  }
  // How much of the limit handling takes: mostly well inside it, some in the yellow, a few past it.
  const u = rnd.next()
  const share = u < 0.06 ? rnd.range(1.05, 1.6) : u < 0.16 ? rnd.range(0.82, 0.98) : rnd.range(0.12, 0.7)
  if (rnd.chance(0.004)) {
    push('force_close', share * m.limitMs)
    return steps
  }
  push('handle', Math.max(5 * MINUTE, share * m.limitMs))
  if (rnd.chance(0.03)) {
    push('rework', minutes(rnd, 45))
    push('handle', minutes(rnd, 120))
  }
  push('check', minutes(rnd, 30))
  push('close', minutes(rnd, 8))
  if (rnd.chance(0.75)) {
    const v = rnd.next()
    const rating = v < 0.972 ? 'satisfied' : v < 0.99 ? 'basic' : 'unsatisfied'
    push('rate', minutes(rnd, 180, 0.9), { rating, contacted: rnd.chance(0.97) })
  }
  return steps
}

const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴', '徐', '孙', '马', '朱', '胡', '郭']
const GIVEN = ['伟', '芳', '娜', '敏', '静', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '秀英', '建国', '桂兰']
const WHERE = ['路口', '小区门口', '人行道上', '公交站旁', '菜市场附近', '学校门口', '巷子里', '楼下', '商铺前', '绿化带旁']
const ASK = ['请尽快处理', '影响居民出行', '已持续多日', '存在安全隐患', '希望有关部门核实处理', '多次反映未解决']

/** The report's text and, for residents and the hotline, who reported it (masked on every screen). */
export function describeCase(rnd: Random, m: DemoMatter, source: Source, place: string) {
  const where = `${place}${rnd.pick(WHERE)}`
  if (source === 'patrol') return { description: `网格员巡查发现：${where}${m.name}，${rnd.pick(ASK)}。` }
  if (source === 'video') return { description: `视频智能识别：${where}疑似${m.name}。` }
  if (source === 'department') return { description: `部门移交：${where}${m.name}。` }
  const name = rnd.pick(SURNAMES) + rnd.pick(GIVEN)
  const phone = `1${rnd.pick(['38', '39', '58', '86', '37', '51'])}${String(rnd.int(0, 99_999_999)).padStart(8, '0')}`
  const lead = source === 'hotline' ? '12345热线转办：' : '居民随手拍：'
  return {
    description: `${lead}${name}反映${where}${m.name}，${rnd.pick(ASK)}。联系电话${phone}`,
    reporterName: name,
    reporterPhone: phone,
  }
}

/**
 * The rest of a plan for a case already in `state` (one left open by the history or by an earlier run):
 * walk the plan from the start and keep what follows the first point where it stands in that state.
 * Empty when the plan never passes through it.
 */
export function continuePlan(steps: readonly Step[], state: CaseStateName): Step[] {
  if (state === 'parked') {
    const resume = steps.findIndex((s) => s.action === 'resume')
    return resume < 0 ? [{ action: 'resume', after: 2 * HOUR }, ...continuePlan(steps, 'dispatched')] : steps.slice(resume)
  }
  let at: CaseStateName = 'reported'
  for (let i = 0; i < steps.length; i++) {
    if (at === state) return steps.slice(i)
    const to = TRANSITIONS[steps[i].action].to
    if (to !== 'same') at = to
  }
  return []
}
