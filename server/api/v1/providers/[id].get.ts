import { getProvider } from '../../../services/providers/index.ts'
import { idParam } from '../../../services/schemas.ts'
import { found } from '../../../services/errors.ts'

export default defineEventHandler((event) => {
  parseNoQuery(event)
  const { id } = parseParams(event, idParam)
  return respondCached(event, 'providers:item', { id }, () => found(getProvider(id), `No provider with id ${id}`))
})
