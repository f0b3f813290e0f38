// Which browser origins may send telemetry. Patterns are origins with `*` wildcards, e.g. the defaults
// `http://localhost:*` and `http://127.0.0.1:*` (any port; `:*` also matches the scheme's default port).
// A request carrying an Origin that matches no pattern is refused before its body is read, so a page on
// another site cannot put a single span into the store — whatever content type it uses.

export const DEFAULT_CORS_ORIGINS: readonly string[] = ['http://localhost:*', 'http://127.0.0.1:*'];

export class OriginPolicy {
  private readonly patterns: RegExp[];

  constructor(readonly allowed: readonly string[]) {
    this.patterns = allowed
      .map((p) => p.trim())
      .filter((p) => p.length > 0)
      .map(patternToRegExp);
  }

  /** true when a request with this Origin header value may be served (no Origin = not a browser page) */
  allows(origin: string | undefined): boolean {
    if (origin === undefined) return true;
    const o = origin.trim().toLowerCase().replace(/\/$/, '');
    return this.patterns.some((re) => re.test(o));
  }
}

function patternToRegExp(pattern: string): RegExp {
  const p = pattern.toLowerCase().replace(/\/$/, '');
  if (p === '*') return /^.*$/;
  let body = '';
  const portWildcard = p.endsWith(':*');
  const main = portWildcard ? p.slice(0, -2) : p;
  for (const ch of main) body += ch === '*' ? '[^/:]*' : ch.replace(/[.+?^${}()|[\]\\/]/g, '\\$&');
  if (portWildcard) body += '(:\\d{1,5})?';
  return new RegExp(`^${body}$`);
}
