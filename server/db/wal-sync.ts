// Durable acknowledgements without stalling the event loop. With SQLite's synchronous=FULL every COMMIT
// fsyncs the WAL on the calling thread: the event loop (and with it every screen's frame) stops for the
// disk's fsync, a few ms here and tens of ms at its tail, once per group commit. Instead the server's
// connection runs synchronous=NORMAL (COMMIT writes the WAL but does not fsync it) and this fsyncs the WAL
// file on libuv's thread pool before a commit's writes are acknowledged: the same guarantee as FULL (the WAL
// holds every acknowledged commit on disk; SQLite itself still syncs the WAL before each checkpoint and the
// WAL header when it restarts the file), while the loop keeps serving. One fsync covers every commit made
// before it started, so the commits that arrive while one is running share the next one.
import { closeSync, fsync, fsyncSync, openSync } from 'node:fs'
import { dirname } from 'node:path'

type Fsync = (fd: number, done: (err: NodeJS.ErrnoException | null) => void) => void

export class WalSync {
  private fd: number | null = null
  private waiting: { resolve: () => void; reject: (e: unknown) => void }[] = []
  private running: Promise<void> | null = null
  /** fsyncs done, and the commits they carried. */
  readonly stats = { syncs: 0, commits: 0 }

  /** `dbFile`: the database file; its WAL is `${dbFile}-wal`. */
  constructor(private readonly dbFile: string, private readonly fsyncFd: Fsync = fsync) {
    // The WAL's directory entry was made when the database opened: make that durable once.
    const dir = openSync(dirname(dbFile), 'r')
    try {
      fsyncSync(dir)
    } finally {
      closeSync(dir)
    }
  }

  /** Resolves once everything committed before this call is on disk. */
  sync(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject })
      this.running ??= this.drain()
    })
  }

  /** Wait for what is in flight, then let go of the file. */
  async close(): Promise<void> {
    await this.running
    if (this.fd !== null) closeSync(this.fd)
    this.fd = null
  }

  private async drain(): Promise<void> {
    while (this.waiting.length) {
      const batch = this.waiting
      this.waiting = []
      try {
        this.fd ??= openSync(`${this.dbFile}-wal`, 'r')
        const fd = this.fd
        await new Promise<void>((ok, fail) => this.fsyncFd(fd, (e) => (e ? fail(e) : ok())))
        this.stats.syncs++
        this.stats.commits += batch.length
        for (const w of batch) w.resolve()
      } catch (e) {
        for (const w of batch) w.reject(e)
      }
    }
    this.running = null
  }
}
