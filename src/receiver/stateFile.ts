// The state file windows use to find a running receiver: {pid, apiPort, token, host, http, grpc, version},
// mode 0600 (the token is the key to the API), written atomically (temp file + rename) so a reader never
// sees half a file, and removed on exit only while it still names this process.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ListeningLine } from '../protocol/api';

export function writeStateFile(file: string, line: ListeningLine): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const state = { pid: line.pid, apiPort: line.api, token: line.token, host: line.host, http: line.http, grpc: line.grpc, version: line.version };
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(state), { mode: 0o600 });
  fs.chmodSync(tmp, 0o600); // umask cannot widen it, but an existing tmp file could have other bits
  fs.renameSync(tmp, file);
}

export function removeStateFile(file: string): void {
  try {
    const j = JSON.parse(fs.readFileSync(file, 'utf8')) as { pid?: number };
    if (j.pid === process.pid) fs.unlinkSync(file);
  } catch {
    // missing or not ours
  }
}
