// Messages between the processes of a scaled-out deployment, over the Socket.IO Redis Streams adapter.

/** serverSideEmit in the live namespace: the key with this id was revoked (forget its cached verification). */
export const KEY_REVOKED = 'onescreen:key-revoked'
