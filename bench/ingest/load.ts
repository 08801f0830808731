// Load generation for bench:ingest: lean keep-alive HTTP connections and CPU accounting of a process.
import { readFileSync } from 'node:fs'
import net from 'node:net'

/**
 * CPU time (ms) a process has used so far, from /proc (Linux): user + system. Wall-clock rates on a shared
 * 2-core machine swing with whatever else runs; CPU per event says what the ingest itself costs.
 */
export function cpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100 // utime + stime, in clock ticks of 10 ms
  } catch {
    return NaN
  }
}

let keySeq = 0

/**
 * A lean HTTP/1.1 keep-alive connection: one request in flight, requests written as one buffer, responses
 * read by content-length. Node's http client costs ~150 µs of CPU per request, which on a 2-core machine
 * is CPU taken from the server being measured; this costs a fraction of that.
 */
export class Connection {
  private readonly socket: net.Socket
  private buf = ''
  private waiting: ((r: { status: number; text: string }) => void) | null = null
  private failing: ((e: Error) => void) | null = null

  constructor(private readonly port: number) {
    this.socket = net.connect({ host: '127.0.0.1', port, noDelay: true })
    this.socket.setEncoding('latin1')
    this.socket.on('data', (chunk: string) => {
      this.buf += chunk
      this.drain()
    })
    this.socket.on('error', (e) => this.failing?.(e))
  }

  private drain() {
    const head = this.buf.indexOf('\r\n\r\n')
    if (head < 0 || !this.waiting) return
    const m = /content-length: *(\d+)/i.exec(this.buf.slice(0, head))
    const length = m ? Number(m[1]) : 0
    if (this.buf.length < head + 4 + length) return
    const status = Number(this.buf.slice(9, 12))
    const text = Buffer.from(this.buf.slice(head + 4, head + 4 + length), 'latin1').toString('utf8')
    this.buf = this.buf.slice(head + 4 + length)
    const done = this.waiting
    this.waiting = this.failing = null
    done({ status, text })
  }

  post(path: string, body: string, secret: string): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      this.waiting = resolve
      this.failing = reject
      this.socket.write(
        `POST ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n` +
          `content-length: ${Buffer.byteLength(body)}\r\nx-api-key: ${secret}\r\n` +
          `idempotency-key: bench-${process.pid}-${++keySeq}\r\n\r\n${body}`,
      )
    })
  }

  close() {
    this.socket.destroy()
  }
}
