// Waiting in tests for something that happens asynchronously (a frame, a timer, a reconnect): poll a
// condition rather than sleep a guessed time, and fail with what was awaited.
// The condition may be asynchronous (ask a server); the answer is how long it took (ms).
export async function until(what: string, pred: () => boolean | Promise<boolean>, ms = 5000): Promise<number> {
  const t0 = Date.now()
  while (!(await pred())) {
    if (Date.now() - t0 > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
  return Date.now() - t0
}
