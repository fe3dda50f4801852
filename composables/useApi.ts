// useFetch for /api/v1 from pages: same origin, so the session cookie goes along (on the server
// useFetch forwards the request's cookie). A 401 means the session ended: back to sign-in.
import type { UseFetchOptions } from '#app'

// `key` is required: useFetch derives its default key from where it is called, which here would
// be this one line for every caller.
export function useApi<T>(url: string | (() => string), options: UseFetchOptions<T> & { key: string }) {
  const nuxtApp = useNuxtApp()
  const route = useRoute()
  return useFetch(url, {
    ...options,
    onResponseError({ response }) {
      if (import.meta.client && response.status === 401) {
        nuxtApp.runWithContext(() => navigateTo({ path: '/login', query: { redirect: route.fullPath } }))
      }
    },
  } as UseFetchOptions<T>)
}
