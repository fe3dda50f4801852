import { getProvider } from '../../../services/providers/index.ts'
import { idParam } from '../../../services/schemas.ts'

export default defineEventHandler((event) => {
  const { id } = parseParams(event, idParam)
  const provider = getProvider(id)
  if (!provider) throw createError({ statusCode: 404, statusMessage: 'Not Found', message: `No provider with id ${id}` })
  return provider
})
