/** The message an API error carries (h3's `message`), for error states; status first when known. */
export function apiErrorMessage(error: unknown): string {
  if (!error || typeof error !== 'object') return 'Something went wrong'
  const e = error as { statusCode?: number, statusMessage?: string, message?: string, data?: { message?: string, statusCode?: number } }
  const status = e.statusCode ?? e.data?.statusCode
  const message = e.data?.message ?? e.statusMessage ?? e.message ?? 'Something went wrong'
  if (status === 404) return `Not available (404): ${message}`
  return status ? `${status}: ${message}` : message
}
