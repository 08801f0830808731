// GET /api/walls: the physical walls of the hall (ONESCREEN_WALLS), expanded to pixels: each wall's size
// with its bezels, every panel's rectangle, and what each browser drives. A page at /wall/<name>[/<n>]
// lays itself out from this. Not secret (it is geometry), so it needs no token.
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { WINDOWS } from '../../../shared/protocol'

const Rect = Type.Object({ x: Type.Integer(), y: Type.Integer(), width: Type.Integer(), height: Type.Integer() })
const Wall = Type.Object({
  name: Type.String(),
  width: Type.Integer({ description: 'wall pixels, bezels included' }),
  height: Type.Integer(),
  screens: Type.Array(Rect, { description: 'one rectangle per physical panel, row by row' }),
  browsers: Type.Optional(Type.Array(Rect, { description: 'browser n (from 1) drives browsers[n − 1]' })),
  scope: Type.Optional(Type.String()),
  window: Type.Optional(Type.Enum([...WINDOWS])),
  panels: Type.Optional(Type.Array(Type.String())),
  cells: Type.Optional(Type.Record(Type.String(), Type.Integer({ description: 'index in screens' }))),
  screenInches: Type.Optional(Type.Number()),
  viewingDistanceM: Type.Optional(Type.Number()),
})

const schema = { tags: ['system'], summary: 'The wall profiles (ONESCREEN_WALLS)', response: { 200: Type.Array(Wall) } }

const walls: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/walls', { schema }, async () => app.config.walls)
}

export default walls
