// The operations routes' inputs: shared by the routes and the OpenAPI document.
import { z } from 'zod'
import { oneOf, queryBoolean } from '../schemas.ts'
import { WINDOWS, type WindowName } from './windows.ts'

export const RoutesQuery = z.object({
  window: oneOf(Object.keys(WINDOWS) as [WindowName, ...WindowName[]]).default('5m'),
  history: queryBoolean.default(false),
})

export const IndexesQuery = z.object({ refresh: queryBoolean.default(false) })
