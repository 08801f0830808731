// What one case contributes to the counters behind every indicator (DOMAIN.md §3).
//
// Metrics are sums of contributions: when a case moves, its node adds contribution(new) − contribution(old).
// The same function drives the live engine, the full rebuild and the history generator's calibration,
// so they cannot count differently. Pure: no I/O, no clock ("past the deadline" is the red light,
// which the deadline timer sets through an event).
import { type CaseState, isOpenState, LEVELS } from './workflow'

export const COUNTERS = [
  'received', // 受理数
  'registered', // 立案数
  'dispatched', // 派遣数
  'dispatchedAccurate', // dispatched and never returned (派遣准确)
  'dueHandle', // 应处置数: handled, or registered and past the deadline
  'handled', // 处置数 (a closed case counts as handled)
  'handledOnTime', // 按期处置数
  'dueClose', // 应结案数: closed, or registered, open and past the deadline
  'closed', // 结案数
  'closedOnTime', // 按期结案数
  'reworked', // 返工数: cases in 应结案 reworked at least once
  'overdueOpen', // open and past the deadline
  'warnedOpen', // open and in the yellow
  'extended', // 延期数: cases in 应处置 extended at least once
  'rated', // 有效回访数
  'satisfied', // 满意
  'basic', // 基本满意
  'contacted', // 联系数 (三率)
  'resolved', // 已解决数 (三率)
  'open', // 在办
  'supervised', // 督办
  'voided', // 作废
  'settledGrid', // closed at each level of the ladder
  'settledCommunity',
  'settledStreet',
  'settledDistrict',
  'settledCity',
] as const
export type CounterName = (typeof COUNTERS)[number]
export const COUNTER_COUNT = COUNTERS.length
/** Index of each counter in a counters vector. */
export const C = Object.fromEntries(COUNTERS.map((n, i) => [n, i])) as Record<CounterName, number>
export type Counters = Record<CounterName, number>

const SETTLED = [C.settledGrid, C.settledCommunity, C.settledStreet, C.settledDistrict, C.settledCity]

/**
 * Write a case's contribution (0 or 1 per counter) into `out` at `offset`. A null case contributes nothing.
 * Plain statements, no helper closure: this runs several times for every event the metrics fold in.
 */
export function contribute(c: CaseState | null, out: Int32Array | number[], offset = 0, sign = 1): void {
  if (c === null) return
  const o = offset
  const registered = c.registeredAt !== null
  const closed = c.closedAt !== null
  const open = isOpenState(c.state)
  const red = c.light === 'red'
  const handled = c.handledAt !== null || (closed && registered)
  const handledAt = c.handledAt ?? c.closedAt
  out[o + C.received] += sign
  if (registered) out[o + C.registered] += sign
  if (c.dispatchedAt !== null) out[o + C.dispatched] += sign
  if (c.dispatchedAt !== null && c.returns === 0) out[o + C.dispatchedAccurate] += sign
  const dueHandle = handled || (registered && red)
  const dueClose = closed || (registered && open && red)
  if (dueHandle) out[o + C.dueHandle] += sign
  if (handled) out[o + C.handled] += sign
  if (handled && (c.deadline === null || handledAt! <= c.deadline)) out[o + C.handledOnTime] += sign
  if (dueClose) out[o + C.dueClose] += sign
  if (closed) out[o + C.closed] += sign
  if (closed && (c.deadline === null || c.closedAt! <= c.deadline)) out[o + C.closedOnTime] += sign
  // A rate's numerator counts only cases inside its denominator, so 返工率 and 延期率 stay ≤ 100 %:
  // a reworked case still within its limit is not yet 应结案.
  if (dueClose && c.reworks > 0) out[o + C.reworked] += sign
  if (open && red) out[o + C.overdueOpen] += sign
  if (open && c.light === 'yellow') out[o + C.warnedOpen] += sign
  if (dueHandle && c.extensions > 0) out[o + C.extended] += sign
  if (c.rating !== null) out[o + C.rated] += sign
  if (c.rating === 'satisfied') out[o + C.satisfied] += sign
  if (c.rating === 'basic') out[o + C.basic] += sign
  if (c.rating !== null && c.contacted) out[o + C.contacted] += sign
  if (c.rating !== null && c.resolved) out[o + C.resolved] += sign
  if (open) out[o + C.open] += sign
  if (c.supervised) out[o + C.supervised] += sign
  if (c.state === 'voided') out[o + C.voided] += sign
  if (closed) out[o + SETTLED[LEVELS.indexOf(c.level)]] += sign
}

/** Counters vector → named record (for formulas and JSON). */
export function named(v: ArrayLike<number>, offset = 0): Counters {
  // Written out in COUNTERS' order (a test holds them together): filled key by key from the list, the record
  // went through a new shape per key, and a live frame builds one per changed grid and window.
  const o = offset
  return {
    received: v[o], registered: v[o + 1], dispatched: v[o + 2], dispatchedAccurate: v[o + 3], dueHandle: v[o + 4],
    handled: v[o + 5], handledOnTime: v[o + 6], dueClose: v[o + 7], closed: v[o + 8], closedOnTime: v[o + 9],
    reworked: v[o + 10], overdueOpen: v[o + 11], warnedOpen: v[o + 12], extended: v[o + 13], rated: v[o + 14],
    satisfied: v[o + 15], basic: v[o + 16], contacted: v[o + 17], resolved: v[o + 18], open: v[o + 19],
    supervised: v[o + 20], voided: v[o + 21], settledGrid: v[o + 22], settledCommunity: v[o + 23],
    settledStreet: v[o + 24], settledDistrict: v[o + 25], settledCity: v[o + 26],
  }
}
