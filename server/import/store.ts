// Full error reports of recent imports, as CSV files in a private temporary folder, each readable by the key
// that made it (and operators). Bounded for a server that runs for months: at most KEEP reports, none older
// than MAX_AGE_MS; the folder goes when the server closes.
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface StoredReport {
  id: string
  path: string
  /** api_keys id of the key that imported. */
  owner: number
  at: number
}

export class ReportStore {
  static readonly KEEP = 20
  static readonly MAX_AGE_MS = 24 * 3_600_000
  private readonly dir = mkdtempSync(join(tmpdir(), 'onescreen-import-reports-'))
  private readonly reports = new Map<string, StoredReport>()

  constructor(private readonly now: () => number = Date.now) {}

  /** A place for a new report; it counts once it is kept (an import that fails is dropped). */
  reserve(owner: number): StoredReport {
    const id = randomUUID()
    return { id, path: join(this.dir, `${id}.csv`), owner, at: this.now() }
  }

  keep(r: StoredReport): void {
    this.reports.set(r.id, r)
    this.prune()
  }

  drop(r: StoredReport): void {
    this.reports.delete(r.id)
    rmSync(r.path, { force: true })
  }

  get(id: string): StoredReport | undefined {
    this.prune()
    return this.reports.get(id)
  }

  close(): void {
    this.reports.clear()
    rmSync(this.dir, { recursive: true, force: true })
  }

  private prune(): void {
    const oldest = this.now() - ReportStore.MAX_AGE_MS
    // A Map iterates in insertion order: oldest first.
    for (const r of this.reports.values()) {
      if (this.reports.size <= ReportStore.KEEP && r.at >= oldest) break
      this.drop(r)
    }
  }
}
