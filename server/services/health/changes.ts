// Announces committed changes to people's data, so that whatever keeps derived copies (the
// response cache) can drop them. Writers call emitDataChange after their transaction commits;
// a listener registers once at start with onDataChange.
//
//   kind 'health'       points inserted or updated: the person's summaries, points, correlations
//   kind 'intakes'      intakes inserted or updated: the person's correlations
//   kind 'correlations' a recompute finished: the person's (or everyone's) correlations, insights

export interface DataChange {
  kind: 'health' | 'intakes' | 'correlations'
  /** Pseudonymous person ids, or 'all' after a recompute of everyone. */
  personIds: string[] | 'all'
}

type Listener = (change: DataChange) => void

const listeners = new Set<Listener>()

export function onDataChange(listener: Listener): () => void {
  listeners.add(listener)
  return () => listeners.delete(listener)
}

export function emitDataChange(change: DataChange): void {
  if (change.personIds !== 'all' && change.personIds.length === 0) return
  for (const listener of listeners) {
    try {
      listener(change)
    }
    catch (error) {
      // The data is committed either way; a failing listener must not turn the write into a 500.
      console.error('[data-change] listener failed:', (error as Error).message)
    }
  }
}
