// One receiver per store directory: `lock` is created with O_EXCL and holds the owner's pid. A lock whose
// pid no longer runs is stale (a receiver killed with SIGKILL leaves one) and is taken over.
import * as fs from 'node:fs';
import * as path from 'node:path';

export class StoreLockedError extends Error {
  constructor(
    readonly dir: string,
    readonly pid: number,
  ) {
    super(`the trace store ${dir} is in use by another receiver (pid ${pid}); stop it, or give this one another --store directory`);
    this.name = 'StoreLockedError';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the store's lock for this process; returns the release function. Throws StoreLockedError. */
export function lockStore(dir: string): () => void {
  const file = path.join(dir, 'lock');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = fs.openSync(file, 'wx', 0o600);
      fs.writeSync(fd, `${process.pid}\n`);
      fs.closeSync(fd);
      return () => {
        try {
          if (Number(fs.readFileSync(file, 'utf8').trim()) === process.pid) fs.unlinkSync(file);
        } catch {
          // already gone
        }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    let text = '';
    try {
      text = fs.readFileSync(file, 'utf8').trim();
    } catch {
      continue; // removed meanwhile: try again
    }
    const pid = Number(text);
    if (/^\d+$/.test(text) && alive(pid)) throw new StoreLockedError(dir, pid);
    // a lock being written this instant has no pid yet: only an older one is stale
    if (!/^\d+$/.test(text)) {
      const age = Date.now() - (fs.statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0);
      if (age < 2000) throw new StoreLockedError(dir, 0);
    }
    try {
      fs.unlinkSync(file);
    } catch {
      // another process took it over first: the next attempt sees its pid
    }
  }
  throw new StoreLockedError(dir, 0);
}
