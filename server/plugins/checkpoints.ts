// Metrics checkpoints: written every CHECKPOINT_EVERY_MS when the log has moved, at once after a start that had
// to rebuild (so the next start is fast), and on close.
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { saveCheckpoint, saveCheckpointSync } from '../metrics/checkpoint'

/** How often the metrics checkpoint is refreshed when the log has moved. */
const CHECKPOINT_EVERY_MS = 10 * 60_000

export default fp(
  async function checkpoints(app: FastifyInstance) {
    const engine = app.metrics
    const started = app.liveStart
    let saving: Promise<unknown> | null = null
    let savedAt = started.from === 'checkpoint' && started.tail === 0 ? engine.lastEventId : -1
    const checkpoint = () => {
      if (saving || engine.lastEventId === savedAt) return
      const id = engine.lastEventId
      saving = saveCheckpoint(app.db, engine)
        .then((bytes) => {
          savedAt = id
          app.log.debug(`metrics checkpoint at event ${id}: ${bytes} bytes`)
        })
        .catch((err) => app.log.error({ err }, 'metrics checkpoint failed'))
        .finally(() => (saving = null))
    }
    const timer = setInterval(checkpoint, CHECKPOINT_EVERY_MS)
    timer.unref()
    if (savedAt < 0) checkpoint()

    app.addHook('onClose', async () => {
      clearInterval(timer)
      await saving
      if (app.db.$client.open && engine.lastEventId !== savedAt) saveCheckpointSync(app.db, engine)
    })
  },
  { name: 'checkpoints', dependencies: ['db', 'metrics'] },
)
