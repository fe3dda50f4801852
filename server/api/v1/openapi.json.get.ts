import { openApiDocument } from '../../services/contract/openapi.ts'

// The contract as OpenAPI 3.1, generated from the schemas the routes parse with (built once).
export default defineEventHandler((event) => {
  parseNoQuery(event)
  return openApiDocument()
})
