// 事项分类 and 承办单位 as an export spells them, resolved to catalogue codes. Exports write a matter by code,
// by name, or as a path of class names (市容环境/暴露垃圾); a name several matters share must be written as a
// path or a code, and is refused rather than guessed.
import type { Department, Matter } from '../../shared/catalogue'

export type MatterEntry = Pick<Matter, 'code' | 'name' | 'bigClassName' | 'smallClassName' | 'department'>
export type DepartmentEntry = Department

export type Resolved<T> = { ok: T } | { error: string }

const SEPARATORS = /\s*[/>|／＞｜→]\s*|\s+-\s+/

export class CatalogueLookup {
  private readonly byCode = new Map<string, MatterEntry>()
  private readonly byName = new Map<string, MatterEntry[]>()
  private readonly departments = new Map<string, string>()

  constructor(matters: Iterable<MatterEntry>, departments: Iterable<DepartmentEntry>) {
    for (const m of matters) {
      this.byCode.set(m.code, m)
      const same = this.byName.get(m.name)
      if (same) same.push(m)
      else this.byName.set(m.name, [m])
    }
    for (const d of departments) {
      this.departments.set(d.code, d.code)
      this.departments.set(d.name, d.code)
    }
  }

  matter(value: string): Resolved<MatterEntry> {
    const v = value.trim()
    const byCode = this.byCode.get(v)
    if (byCode) return { ok: byCode }
    const parts = v.split(SEPARATORS).filter(Boolean)
    const candidates = this.byName.get(parts.at(-1) ?? '') ?? []
    // Earlier path parts narrow a shared name down by its class names.
    const classes = parts.slice(0, -1)
    const hits = candidates.filter((m) => classes.every((c) => c === m.bigClassName || c === m.smallClassName))
    if (hits.length === 1) return { ok: hits[0] }
    if (hits.length > 1)
      return {
        error: `"${v}" names ${hits.length} matters (${hits.slice(0, 5).map((m) => m.code).join(', ')}${hits.length > 5 ? ', …' : ''}); write the code or the class path`,
      }
    return { error: `unknown matter "${v}" (neither a matter code nor a matter name in the catalogue)` }
  }

  department(value: string): string | undefined {
    return this.departments.get(value.trim())
  }
}
