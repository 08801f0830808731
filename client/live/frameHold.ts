// Holding live frames until their apply-at time: the browsers of one wall get each frame at slightly different
// moments (one is busy drawing, the network differs), so each holds it until the same moment on the server's
// clock and they change together. In order (a frame never overtakes the one before it), bounded by the frame
// rate times the lead, and dropped when the screen moves to another subscription.
export class FrameHold {
  private readonly queue: { due: number; run: () => void }[] = []
  private timer: ReturnType<typeof setTimeout> | null = null

  /** Run `fn` after `waitMs` (at once when nothing is held and there is no wait). */
  run(waitMs: number, fn: () => void): void {
    if (waitMs <= 0 && !this.queue.length) return fn()
    this.queue.push({ due: Date.now() + Math.max(0, waitMs), run: fn })
    if (this.queue.length === 1) this.next()
  }

  /** When the next held frame is due (Date.now() clock), or null when none is held: heavy drawing that
   *  would still be running then waits until after it (client/map/framePace.ts). */
  nextDue(): number | null {
    return this.queue[0]?.due ?? null
  }

  /** Forget what is held (a new subscription: those frames belong to the old one). */
  clear(): void {
    this.queue.length = 0
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
  }

  private next(): void {
    const head = this.queue[0]
    if (!head) return
    this.timer = setTimeout(() => {
      this.timer = null
      // The head, and every frame after it that is due by now, in order.
      do this.queue.shift()!.run()
      while (this.queue.length && this.queue[0].due <= Date.now())
      this.next()
    }, head.due - Date.now())
  }
}
