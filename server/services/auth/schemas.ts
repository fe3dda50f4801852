// Inputs of sign-in and of the admin routes for users and keys, parsed once at the edge.
import { z } from 'zod'
import { ROLES } from '../../database/schema.ts'
import { storedText } from '../schemas.ts'

/** Long enough that a guessed password is unlikely even without the login rate limit. */
export const MIN_PASSWORD_LENGTH = 12

const email = storedText().trim().max(254).email('must be an email address')

// Passwords are only hashed, never stored or shown, so any character is allowed in them.
export const LoginBody = z.object({
  email,
  password: z.string().min(1, 'is required').max(1024),
})

export const CreateUserBody = z.object({
  email,
  password: z.string().min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`).max(1024),
  role: z.enum(ROLES),
}).strict()

export const CreateKeyBody = z.object({
  name: storedText().trim().min(1, 'is required').max(100),
  role: z.enum(ROLES),
}).strict()
