// How many rows the import commits in one go. Each commit is a transaction (the pages it wrote go to the WAL
// again), so fewer, longer ones cost less a row; but while one runs the event loop answers nothing. A commit
// gets the time one turn of the loop may take less what the rest of the server needed between the last few
// commits (frames, requests, the deadline timer), between a floor and a ceiling.

export interface SliceBudget {
  /** Most a commit may take (ms). */
  sliceMs: number
  /** Most one turn of the loop may take (ms): a commit plus what else ran between two of them. */
  turnMs: number
  /** Least a commit gets, however busy the rest (ms; sliceMs if that is less). */
  minMs: number
}

/** The time the next commit may take (ms), given how long the loop was away between recent commits. */
export function sliceBudget(b: SliceBudget, gaps: readonly number[]): number {
  let away = 0
  for (const g of gaps) if (g > away) away = g
  return Math.max(Math.min(b.minMs, b.sliceMs), Math.min(b.sliceMs, b.turnMs - away))
}

/** Rows for the next commit: the budget at the least a row cost recently (a slow row on a busy machine is
 * time the process was not scheduled, which a smaller commit cannot save), at least 8, at most `max`. */
export function sliceRows(budgetMs: number, costs: readonly number[], max: number): number {
  const perRow = Math.max(Math.min(...costs), 1e-3)
  return Math.max(8, Math.min(max, Math.round(budgetMs / perRow)))
}
