// Messages between the processes of a scaled-out deployment, over the Socket.IO Redis Streams adapter.

/** serverSideEmit in the live namespace: the key with this id was revoked (forget its cached verification). */
export const KEY_REVOKED = 'onescreen:key-revoked'

/** serverSideEmit (live → writer): a browser of a wall changed what the wall shares (name, WallShared). */
export const WALL_SET = 'onescreen:wall-set'

/** serverSideEmit (writer → live): a wall's state after a change (name, WallState). */
export const WALL_STATE = 'onescreen:wall-state'
