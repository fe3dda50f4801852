import { InvalidCursorError } from '../services/pagination.ts'

/** Runs a paged listing; a cursor the service cannot decode becomes a 400 on `cursor`. */
export function withCursor<T>(list: () => T): T {
  try {
    return list()
  }
  catch (error) {
    if (error instanceof InvalidCursorError) throw invalidInput([{ path: 'cursor', message: error.message }])
    throw error
  }
}
