// Output channels of the fixtures commands (`convert`, `fixture`), injectable so tests can capture them.
import * as fs from 'node:fs';

export interface CliIo {
  /** the command's result (text or bytes) */
  stdout: (data: string | Uint8Array) => void;
  /** one line of diagnostics */
  stderr: (line: string) => void;
  /** whether stdout is a terminal (binary output is refused there) */
  stdoutIsTty: boolean;
  readFile: (path: string) => Uint8Array;
  writeFile: (path: string, data: string | Uint8Array) => void;
}

export function processIo(): CliIo {
  return {
    stdout: (d) => process.stdout.write(d),
    stderr: (l) => process.stderr.write(`${l}\n`),
    stdoutIsTty: process.stdout.isTTY === true,
    readFile: (p) => (p === '-' ? fs.readFileSync(0) : fs.readFileSync(p)), // '-' = stdin
    writeFile: (p, d) => fs.writeFileSync(p, d),
  };
}

/** The reason of a file-system error, short (ENOENT → "no such file"). */
export function fsReason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err.code) {
    case 'ENOENT':
      return 'no such file';
    case 'EISDIR':
      return 'is a directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    default:
      return err.message ?? String(e);
  }
}
