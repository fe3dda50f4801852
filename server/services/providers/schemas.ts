// The providers API's inputs (API.md, Claims): shared by the route and the OpenAPI document.
import { z } from 'zod'
import { pagination } from '../schemas.ts'

export const ProvidersQuery = z.object(pagination)
