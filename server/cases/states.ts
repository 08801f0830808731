// The workflow's state lists as SQL, derived from shared/workflow so a query can never disagree with
// isOpenState. The names are the schema's own constants (no user input), so they are inlined as literals.
import { OPEN_STATES, type CaseStateName } from '../../shared/workflow'

const sqlList = (states: readonly CaseStateName[]) => `(${states.map((s) => `'${s}'`).join(',')})`

/** `state IN ${OPEN_STATES_SQL}`: the case is still being worked (parked included). */
export const OPEN_STATES_SQL = sqlList(OPEN_STATES)
