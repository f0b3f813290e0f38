// The product version, read from the package.json next to the running code (dist/ or out/src/…).
import * as fs from 'node:fs';
import * as path from 'node:path';

let cached: string | undefined;

export function productVersion(): string {
  if (cached !== undefined) return cached;
  let dir = __dirname;
  for (let i = 0; i < 5; i++) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'trace-explorer' && typeof pkg.version === 'string') return (cached = pkg.version);
    } catch {
      // not here: go up
    }
    dir = path.dirname(dir);
  }
  return (cached = '0.0.0');
}
