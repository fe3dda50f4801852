import { getProvider } from '../../../services/providers/index.ts'
import { idParam } from '../../../services/schemas.ts'

export default defineEventHandler((event) => {
  parseNoQuery(event)
  const { id } = parseParams(event, idParam)
  return respondCached(event, 'providers:item', { id }, () => {
    const provider = getProvider(id)
    if (!provider) throw createError({ statusCode: 404, statusMessage: 'Not Found', message: `No provider with id ${id}` })
    return provider
  })
})
