// Waiting in tests for something that happens asynchronously (a frame, a timer, a reconnect): poll a
// condition rather than sleep a guessed time, and fail with what was awaited.
export async function until(what: string, pred: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}
