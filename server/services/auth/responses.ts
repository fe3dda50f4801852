// What the sign-in, users and keys routes answer, as zod schemas (see claims/responses.ts).
import { z } from 'zod'
import { ROLES } from '../../database/schema.ts'
import { Instant } from '../responses.ts'

const role = z.enum(ROLES)

export const SessionUser = z.object({ id: z.number().int(), email: z.string(), role }).meta({ id: 'SessionUser' })

export const SignedIn = z.object({ user: SessionUser })

export const Session = z.object({ user: SessionUser, loggedInAt: Instant })

export const SignedOut = z.object({ loggedOut: z.literal(true) })

export const User = z.object({ id: z.number().int(), email: z.string(), role, createdAt: Instant, disabledAt: Instant.nullable() }).meta({ id: 'User' })

export const UserList = z.object({ data: z.array(User) })

export const ApiKey = z.object({
  id: z.number().int(),
  name: z.string(),
  prefix: z.string().meta({ description: 'the key\'s first characters, to recognise it' }),
  role,
  createdAt: Instant,
  lastUsedAt: Instant.nullable(),
  revokedAt: Instant.nullable(),
}).meta({ id: 'ApiKey' })

export const CreatedApiKey = ApiKey.extend({ key: z.string().meta({ description: 'the key itself, shown this once' }) }).meta({ id: 'CreatedApiKey' })

export const ApiKeyList = z.object({ data: z.array(ApiKey) })
