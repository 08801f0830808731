// Follows committed changes (the ingest's, or on a live process the log stream's) into the metrics engine,
// and hands on the ones it folded in: the live frames and the commit-lag statistics take them from here, not
// from the ingest. A change already folded in (the checkpoint's tail replay can overlap the first live writes)
// is not news and goes no further.
import type { LoggedChange, MetricsEngine } from './engine'

export type AppliedListener = (fresh: LoggedChange[]) => void

export class MetricsFollower {
  private readonly listeners = new Set<AppliedListener>()

  constructor(
    readonly engine: MetricsEngine,
    private readonly onError: (err: unknown) => void = (e) => console.error('applied listener failed:', e),
  ) {}

  /** Fold a committed batch in; listeners get what was new. */
  readonly follow = (batch: readonly LoggedChange[]): void => {
    const fresh = batch.filter((c) => c.id > this.engine.lastEventId)
    if (fresh.length === 0) return
    this.engine.apply(fresh)
    for (const fn of this.listeners) {
      try {
        fn(fresh)
      } catch (e) {
        this.onError(e)
      }
    }
  }

  onApplied(fn: AppliedListener): void {
    this.listeners.add(fn)
  }

  offApplied(fn: AppliedListener): void {
    this.listeners.delete(fn)
  }
}
