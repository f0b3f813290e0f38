// The receiver as a process: prints one JSON listening line on stdout, writes the state file, serves until
// SIGTERM/SIGINT, and exits `idleExitMs` after the last event-stream client has gone (windows reconnect
// well within that). Entry points: main.ts (dist/receiver.js) and src/cli/receive.ts.
import type { ReceiverOptions } from './options';
import { stderrLog, type ReceiverLog } from './log';
import { startReceiver, type RunningReceiver } from './receiver';
import { removeStateFile, writeStateFile } from './stateFile';

/** Runs the receiver in this process until a signal (or idle exit); resolves with the exit code. */
export async function runReceiverProcess(opts: ReceiverOptions, log: ReceiverLog = stderrLog()): Promise<number> {
  let idleTimer: NodeJS.Timeout | undefined;
  let stopping = false;
  let resolveExit: (code: number) => void = () => undefined;
  const exited = new Promise<number>((r) => (resolveExit = r));
  let running: RunningReceiver | undefined;

  const stop = async (why: string, code = 0) => {
    if (stopping) {
      // a second Ctrl-C means now
      if (why.startsWith('SIG')) resolveExit(code);
      return;
    }
    stopping = true;
    log.info(`stopping: ${why}`);
    if (opts.stateFile) removeStateFile(opts.stateFile);
    const force = setTimeout(() => resolveExit(code), 3000);
    force.unref();
    await running?.close().catch(() => undefined);
    resolveExit(code);
  };
  const armIdle = (clients: number) => {
    if (idleTimer) clearTimeout(idleTimer);
    idleTimer = undefined;
    if (clients === 0 && opts.idleExitMs > 0) {
      idleTimer = setTimeout(() => void stop(`no editor window connected for ${Math.round(opts.idleExitMs / 1000)} s`), opts.idleExitMs);
    }
  };

  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGHUP', () => void stop('SIGHUP'));
  // a bug must not take every window's traces down with it: log and keep serving
  process.on('uncaughtException', (e) => log.warn(`uncaught exception: ${e?.stack ?? e}`));
  process.on('unhandledRejection', (e) => log.warn(`unhandled rejection: ${(e as Error)?.stack ?? e}`));

  try {
    running = await startReceiver(opts, { log, onClients: armIdle });
  } catch (e) {
    process.stderr.write(`trace-explorer receiver: ${(e as Error).message}\n`);
    return 1;
  }
  const line = running.listeningLine();
  // the state file first: whoever reads the listening line can then rely on it
  if (opts.stateFile) {
    try {
      writeStateFile(opts.stateFile, line);
    } catch (e) {
      log.warn(`could not write the state file ${opts.stateFile}: ${(e as Error).message}`);
    }
  }
  process.stdout.write(`${JSON.stringify(line)}\n`);
  log.info(
    `receiver ${line.version} pid ${line.pid}: OTLP/HTTP ${line.http ?? 'not listening'}, OTLP/gRPC ${line.grpc ?? 'not listening'}, API 127.0.0.1:${line.api}`,
  );
  armIdle(0);
  return exited;
}
