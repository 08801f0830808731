// ONESCREEN_WALLS: the physical walls of the hall, described once by the operator (docs in the README,
// example in fixtures/walls.example.json). Checked at start: a bad file stops the start and names the wall
// and the field, rather than a wall that comes up wrong in front of the leaders.
import { readFileSync } from 'node:fs'
import { Type } from 'typebox'
import { Compile } from 'typebox/compile'
import { WINDOWS } from '../shared/protocol'
import { levelOfCode } from '../shared/grid'
import { PANEL_IDS, expandWall, wallSpecProblem, type WallProfile, type WallSpec } from '../shared/wall'

const Count = (description: string) => Type.Integer({ minimum: 1, maximum: 64, description })
const Pixels = (description: string) => Type.Integer({ minimum: 1, maximum: 16_384, description })
const Block = Type.Object(
  {
    column: Count('first column, from 1 at the left'),
    row: Count('first row, from 1 at the top'),
    columns: Type.Optional(Count('panels across (default 1)')),
    rows: Type.Optional(Count('panels down (default 1)')),
  },
  { additionalProperties: false },
)
const Bezel = Type.Integer({ minimum: 0, maximum: 1000, description: 'pixels hidden between two panels' })
const PanelId = Type.Enum([...PANEL_IDS])

const Spec = Type.Object(
  {
    columns: Count('panels across'),
    rows: Count('panels down'),
    panel: Type.Object({ width: Pixels('one panel’s width'), height: Pixels('one panel’s height') }, { additionalProperties: false }),
    bezel: Type.Optional(Type.Union([Bezel, Type.Object({ x: Bezel, y: Bezel }, { additionalProperties: false })])),
    browsers: Type.Optional(Type.Array(Block, { minItems: 1, maxItems: 64 })),
    scope: Type.Optional(Type.String({ pattern: '^[0-9]{6,16}$' })),
    window: Type.Optional(Type.Enum([...WINDOWS])),
    panels: Type.Optional(Type.Array(PanelId, { minItems: 1 })),
    cells: Type.Optional(Type.Record(Type.String(), Type.Object({ column: Count('column'), row: Count('row') }, { additionalProperties: false }))),
    screenInches: Type.Optional(Type.Number({ minimum: 10, maximum: 300 })),
    viewingDistanceM: Type.Optional(Type.Number({ minimum: 0.5, maximum: 200 })),
  },
  { additionalProperties: false },
)
const check = Compile(Spec)
const NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/i

/** The walls of a parsed ONESCREEN_WALLS file ({ "<name>": spec, … }); throws naming the wall and the field. */
export function parseWalls(file: unknown): WallProfile[] {
  if (typeof file !== 'object' || file === null || Array.isArray(file))
    throw new Error('expected an object of walls by name: { "hall": { "columns": 3, "rows": 3, … } }')
  return Object.entries(file).map(([name, spec]) => {
    const wall = (field: string, reason: string) => new Error(`wall "${name}": ${field ? `${field} ` : ''}${reason}`)
    if (!NAME.test(name)) throw wall('', 'is not a usable name (letters, digits, - and _, as it appears in /wall/<name>)')
    const error = check.Errors(spec)[0]
    if (error) {
      const field = error.instancePath.slice(1)
      const extra = (error.params as { additionalProperties?: string[] }).additionalProperties
      // An unknown field is reported as a "false" schema at its path, or as its parent's extra property.
      if (error.keyword === 'boolean') throw wall(field, 'is not a field here (a typo?)')
      if (extra) throw wall([field, extra[0]].filter(Boolean).join('/'), 'is not a field here (a typo?)')
      const allowed = (error.params as { allowedValues?: unknown[] }).allowedValues
      throw wall(field || '(the wall)', allowed ? `must be one of ${allowed.join(', ')}` : error.message)
    }
    const s = spec as WallSpec
    const unknownPanel = Object.keys(s.cells ?? {}).find((id) => !(PANEL_IDS as readonly string[]).includes(id))
    if (unknownPanel) throw wall(`cells/${unknownPanel}`, `is not a panel (panels: ${PANEL_IDS.join(', ')})`)
    if (s.scope !== undefined && levelOfCode(s.scope) === null) throw wall('scope', `"${s.scope}" is not a grid code`)
    const problem = wallSpecProblem(s)
    if (problem) throw wall(problem.field, problem.reason)
    return expandWall(name, s)
  })
}

export function loadWallsFile(path: string): WallProfile[] {
  let parsed: unknown
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'))
  } catch (e) {
    throw new Error(`cannot read it as JSON (${(e as Error).message})`)
  }
  return parseWalls(parsed)
}
