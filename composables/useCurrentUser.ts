// The signed-in user as the session holds it (role checked again by the API on every call).
import type { Role } from '../contract/roles.ts'
export interface SessionUser { id: number, email: string, role: Role }

export function useCurrentUser() {
  const { user, loggedIn, fetch } = useUserSession()
  const current = computed(() => (user.value as SessionUser | null) ?? null)
  const isAdmin = computed(() => current.value?.role === 'admin')
  async function signOut() {
    await $fetch('/api/auth/logout', { method: 'POST' })
    await fetch()
    await navigateTo('/login')
  }
  return { user: current, loggedIn, isAdmin, signOut, refresh: fetch }
}
