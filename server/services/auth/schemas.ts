// Inputs of sign-in and of the admin routes for users and keys, parsed once at the edge.
import { z } from 'zod'
import { ROLES } from '../../database/schema.ts'
import { oneOf, storedText } from '../schemas.ts'

/** Long enough that a guessed password is unlikely even without the login rate limit. */
export const MIN_PASSWORD_LENGTH = 12

const email = storedText().trim().max(254).email('must be an email address')

/** A new password: for users made through the API, a password change and NUXT_BOOTSTRAP_ADMIN_PASSWORD alike. */
export const NewPassword = z.string().min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`).max(1024, 'must be at most 1024 characters')

// Passwords are only hashed, never stored or shown, so any character is allowed in them.
export const LoginBody = z.object({
  email,
  password: z.string().min(1, 'is required').max(1024),
})

export const CreateUserBody = z.object({
  email,
  password: NewPassword,
  role: oneOf(ROLES),
}).strict()

/** A signed-in user changing their own password proves they know the current one. */
export const ChangePasswordBody = z.object({
  currentPassword: z.string().min(1, 'is required').max(1024),
  newPassword: NewPassword,
}).strict()

/** An admin setting another user's password. */
export const SetPasswordBody = z.object({
  password: NewPassword,
}).strict()

export const CreateKeyBody = z.object({
  name: storedText().trim().min(1, 'is required').max(100),
  role: oneOf(ROLES),
}).strict()
