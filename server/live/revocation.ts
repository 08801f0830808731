// Revoking a key ends its live screens: HTTP refuses the key at once (or within a poll, when another process
// revoked it), and every socket that handshook with it is told why and disconnected; its reconnection is
// refused at the handshake. Each connected socket sits in a room named after its key id, so ending a key's
// screens is one room broadcast. That works through a Socket.IO adapter too (a Redis adapter carries
// `to(room).emit` and `in(room).disconnectSockets()` to every process), so a process that learns of a
// revocation can end the key's screens wherever they are connected.
import type { Namespace, Socket } from 'socket.io'
import { ACCESS_REVOKED, EVENTS, type Revoked } from '../../shared/protocol'

/** The room of every socket that connected with the key `id`. */
export const keyRoom = (id: number) => `\u0000key:${id}`

/** Tell the key's screens why, then disconnect them (a server-side disconnect: clients do not retry by themselves). */
export function endScreens(nsp: Pick<Namespace, 'to' | 'in'>, keyId: number): void {
  const why: Revoked = { reason: ACCESS_REVOKED }
  nsp.to(keyRoom(keyId)).emit(EVENTS.revoked, why)
  nsp.in(keyRoom(keyId)).disconnectSockets()
}

export interface RevocationSource {
  on(event: 'revoked', listener: (id: number) => void): unknown
  off(event: 'revoked', listener: (id: number) => void): unknown
  isRevoked(id: number): boolean
}

/**
 * Put each socket in its key's room when it connects, and end a key's screens when the key is revoked.
 * `keyOf` reads the key id a socket handshook with (0 or null: anonymous). Returns a stop function.
 */
export function watchRevocations(nsp: Namespace, keys: RevocationSource, keyOf: (socket: Socket) => number | null): () => void {
  const onConnection = (socket: Socket) => {
    const id = keyOf(socket)
    if (!id) return
    void socket.join(keyRoom(id))
    // Revoked between the handshake's check and this join: the broadcast missed it, so end it here.
    if (keys.isRevoked(id)) {
      socket.emit(EVENTS.revoked, { reason: ACCESS_REVOKED } satisfies Revoked)
      socket.disconnect()
    }
  }
  const onRevoked = (id: number) => endScreens(nsp, id)
  nsp.on('connection', onConnection)
  keys.on('revoked', onRevoked)
  return () => {
    nsp.off('connection', onConnection)
    keys.off('revoked', onRevoked)
  }
}
