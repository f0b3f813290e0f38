// PlaceFn over the source resolver (src/source/resolver.ts), the one the code lenses use: `file:line`
// relative to the workspace folder (prefixed with the folder's name in a multi-root workspace). Answers are
// remembered per raw location, so a page of spans from one file resolves once.
import type { SourceResolver } from '../source/resolver';
import { locationKey } from '../source/signal';
import type { PlaceFn } from './source';

const MAX_CACHED = 20_000;

/** `clear()` forgets the answers (the workspace's files or the path mappings changed). */
export function resolverPlace(resolver: Pick<SourceResolver, 'resolveSync'>, multiRoot: () => boolean): PlaceFn & { clear(): void } {
  const cache = new Map<string, string | null>();
  const place = (loc: Parameters<PlaceFn>[0]): string | undefined => {
    const key = `${loc.layer}|${locationKey(loc)}`;
    let hit = cache.get(key);
    if (hit === undefined) {
      const r = resolver.resolveSync(loc);
      hit = r.ok ? `${multiRoot() ? `${r.folder.name}/` : ''}${r.rel}${r.line ? `:${r.line}` : ''}` : null;
      if (cache.size >= MAX_CACHED) cache.clear();
      cache.set(key, hit);
    }
    return hit ?? undefined;
  };
  return Object.assign(place, { clear: () => cache.clear() });
}
