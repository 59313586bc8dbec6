/**
 * How a path that no route takes is journaled and logged. Such a path is anything a client sent, a
 * near miss of a token-bearing route included (`/kos/v1/sessions/Status/<token>`, a doubled slash, an
 * escaped `%2F`), so it is shown with every segment that could be a credential masked: a segment is
 * kept only when it is a literal segment of one of the vendor's routes, or short and unescaped
 * (typos such as `/acesskeys` stay readable); the rest becomes `{masked}`.
 */
export const MASKED_SEGMENT = '{masked}';

/** Longest unknown segment shown as sent: shorter than any token or secret a vendor issues. */
const MAX_SHOWN_SEGMENT = 16;

/** The literal segments of route patterns (`/kos/v1/sessions/status/:sessionToken` → kos, v1, sessions, status). */
export function literalSegments(pattern: string): string[] {
  return pattern.split('/').filter((s) => s !== '' && !s.startsWith(':') && !s.includes('*'));
}

export function maskUnroutedPath(path: string, known: ReadonlySet<string>): string {
  return path
    .split('/')
    .map((segment) => (segment === '' || known.has(segment) || (segment.length <= MAX_SHOWN_SEGMENT && !segment.includes('%')) ? segment : MASKED_SEGMENT))
    .join('/');
}
