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

/**
 * The common start of the commands that turn one trace file into something (`convert`, `fixture`): answers
 * `--help`, parses the arguments and reads the input file, printing the same messages and exit codes for
 * each (2 for bad arguments, 1 for an unreadable file). Returns the exit code when the command is done,
 * else the parsed arguments and the file's bytes.
 */
export function startFileCommand<A extends { file: string }>(
  command: string,
  usage: string,
  argv: string[],
  io: CliIo,
  parse: (argv: string[]) => A | string,
): number | { args: A; bytes: Uint8Array } {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout(usage);
    return 0;
  }
  const args = parse(argv);
  if (typeof args === 'string') {
    io.stderr(`trace-explorer ${command}: ${args} (see --help)`);
    return 2;
  }
  try {
    return { args, bytes: io.readFile(args.file) };
  } catch (e) {
    io.stderr(`trace-explorer ${command}: cannot read ${args.file}: ${fsReason(e)}`);
    return 1;
  }
}

/** Splits `--name=value` into `['--name', 'value']`; any other argument comes back whole, with no value. */
export function splitOption(arg: string): [name: string, inline: string | undefined] {
  const eq = arg.indexOf('=');
  return arg.startsWith('--') && eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
}
