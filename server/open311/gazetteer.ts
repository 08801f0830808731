// Places by name or id, for POSTs that bring an address instead of lat/long. The district's own gazetteer
// is its grid tree: address_id is a grid code, and address_string is searched for the names of
// communities, third-level grids (with their micro grids) and special grids (schools, markets, firms).
// A street alone is too coarse for the grid map and is refused, as is anything not found: no guessing.
import type { Db } from '../db'
import type { GridIndex } from '../geo'
import { ancestorCode, isSpecialCode } from '../../shared/grid'
import { badRequest } from './errors'

export interface Place {
  code: string
  lon: number
  lat: number
}

interface GridRow {
  code: string
  name: string
  level: number
  lon: number
  lat: number
}

export class Gazetteer {
  private readonly rows = new Map<string, GridRow>()
  /** Names unique enough to search free text for: communities, third-level grids, special grids. */
  private readonly named: GridRow[] = []
  private readonly microByParent = new Map<string, GridRow[]>()
  private readonly points = new Map<string, Place | null>()

  constructor(db: Db, private readonly grids: GridIndex) {
    const all = db.$client.prepare('SELECT code, name, level, lon, lat FROM grids').all() as GridRow[]
    for (const r of all) {
      this.rows.set(r.code, r)
      if (r.level === 2 || r.level === 3 || r.level === 5) this.named.push(r)
      if (r.level === 4) {
        const parent = ancestorCode(r.code, 3)
        const list = this.microByParent.get(parent)
        if (list) list.push(r)
        else this.microByParent.set(parent, [r])
      }
    }
    // Longest names first: 金家园社区第1网格 is found before 金家园社区 (and hides it, see longestMatches).
    this.named.sort((a, b) => b.name.length - a.name.length)
  }

  /** Is the WGS-84 point inside the grid `code`? */
  private holds(code: string, lon: number, lat: number): boolean {
    const at = this.grids.locate(lon, lat)
    if (!at) return false
    return isSpecialCode(code) ? at.special === code : at.grid.startsWith(code)
  }

  /** A point inside the grid: its stored representative point if that lies inside, else one of its children's. */
  pointOf(code: string): Place | null {
    const cached = this.points.get(code)
    if (cached !== undefined) return cached
    const r = this.rows.get(code)
    let found: Place | null = null
    if (r && this.holds(code, r.lon, r.lat)) found = { code, lon: r.lon, lat: r.lat }
    else if (r && r.level < 4 && r.level > 0) {
      for (const [c, child] of this.rows)
        if (child.level === 4 && c.startsWith(code) && this.holds(c, child.lon, child.lat)) {
          found = { code, lon: child.lon, lat: child.lat }
          break
        }
    }
    this.points.set(code, found)
    return found
  }

  byId(addressId: string): Place {
    const r = this.rows.get(addressId)
    if (!r || r.level === 0) throw badRequest(`address_id "${addressId}" is not a grid code of the district; send lat and long instead`)
    if (r.level === 1) throw badRequest(`address_id "${addressId}" is a whole street (${r.name}); give a community or finer grid code, or lat and long`)
    const p = this.pointOf(addressId)
    if (!p) throw badRequest(`address_id "${addressId}" could not be placed on the map; send lat and long instead`)
    return p
  }

  byAddress(text: string): Place {
    const hits = longestMatches(text, this.named.filter((r) => text.includes(r.name)))
    // A special grid is the most precise place; then a micro grid named after its third-level grid; then
    // the third-level grid; then the community.
    const special = hits.filter((r) => r.level === 5)
    if (special.length === 1) return this.place(special[0].code, text)
    const l3 = hits.filter((r) => r.level === 3)
    if (l3.length === 1) {
      const rest = text.slice(text.indexOf(l3[0].name) + l3[0].name.length)
      const micro = (this.microByParent.get(l3[0].code) ?? []).filter((m) => rest.startsWith(m.name) || rest.includes(m.name))
      micro.sort((a, b) => b.name.length - a.name.length)
      return this.place(micro[0]?.code ?? l3[0].code, text)
    }
    const l2 = hits.filter((r) => r.level === 2)
    if (l2.length === 1 && l3.length === 0) return this.place(l2[0].code, text)
    if (hits.length > 1)
      throw badRequest(`address_string "${text}" names several places (${hits.slice(0, 4).map((h) => h.name).join(', ')}); send lat and long`)
    throw badRequest(`address_string "${text}" could not be geocoded (no community, grid or special grid of the district is named in it); send lat and long`)
  }

  private place(code: string, text: string): Place {
    const p = this.pointOf(code)
    if (!p) throw badRequest(`address_string "${text}" could not be placed on the map; send lat and long`)
    return p
  }
}

/**
 * The names found in `text`, less those found only inside a longer one: in "汉秀北院社区" the community
 * 秀北院社区 is part of the name 汉秀北院社区, not a place of its own. A name that also stands elsewhere in
 * the text is kept (two places named are still two).
 */
function longestMatches<T extends { name: string }>(text: string, hits: T[]): T[] {
  const spans = hits.map((r) => {
    const at: number[] = []
    for (let i = text.indexOf(r.name); i >= 0; i = text.indexOf(r.name, i + 1)) at.push(i)
    return at.map((start) => [start, start + r.name.length] as const)
  })
  const inside = ([s, e]: readonly [number, number], j: number) =>
    hits.some((o, k) => k !== j && o.name.length > e - s && spans[k].some(([os, oe]) => os <= s && e <= oe))
  return hits.filter((_, j) => spans[j].some((span) => !inside(span, j)))
}
