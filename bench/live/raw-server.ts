// Baseline for bench:live (a child process): a bare Socket.IO server that broadcasts one frame of a given
// size to every client each tick, stamped with its send time, and nothing else.
import { createServer } from 'node:http'
import { Server } from 'socket.io'

const port = Number(process.env.PORT)
const http = createServer()
const io = new Server(http, { serveClient: false, transports: ['websocket'] })
let timer: ReturnType<typeof setInterval> | null = null

http.listen(port, '127.0.0.1', () => process.send!({ type: 'listening' }))
process.on('message', (m: { type: string; bytes?: number; tickMs?: number }) => {
  if (m.type === 'broadcast') {
    if (timer) clearInterval(timer)
    timer = null
    if (!m.tickMs) return // stop broadcasting
    const size = Math.max(8, m.bytes!)
    timer = setInterval(() => {
      const frame = new Uint8Array(size)
      new DataView(frame.buffer).setFloat64(0, Date.now())
      io.emit('frame', frame)
    }, m.tickMs)
  }
  if (m.type === 'stop') {
    if (timer) clearInterval(timer)
    io.close()
    setTimeout(() => process.exit(0), 100)
  }
})
