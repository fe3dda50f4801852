// Redirect targets after sign-in that must all fall back to `/`: shared by the unit test of
// safeRedirect and the e2e test of the form post and the page.
export const HOSTILE_REDIRECTS = [
  '//evil.example', '/\t/evil.example', '/\n/evil.example', '/\r\n/evil.example', '\t//evil.example', '/\\evil.example', '\\\\evil.example', '/\\/evil.example',
  '/\t\\evil.example', '/.//evil.example', '/./\\evil.example', '/../..//evil.example', 'https://evil.example/', 'http:evil.example', 'javascript:alert(1)',
  'JaVaScRiPt:alert(1)', ' /claims', 'evil.example', '', '/login', '/LOGIN', '/login/', '/login?redirect=/x', '/%6Cogin', '/./login', '/claims/../login',
  '//evil.example/%2F..', '///evil.example', '/\t/\t/evil.example',
]
