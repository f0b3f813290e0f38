// `trace-explorer receive` — the receiver and store without VS Code, in the foreground; never idles out.
// Prints {"event":"listening","http":…,"grpc":…,"api":…,"token":…} on stdout when ready; logs go to stderr.
import { RECEIVER_USAGE, TOKEN_ENV, UsageError, checkToken, defaultOptions, parseReceiverArgs } from '../receiver/options';
import { runReceiverProcess } from '../receiver/runProcess';

export async function run(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`usage: trace-explorer receive [options]\n\n${RECEIVER_USAGE}\n\n` +
      'Query API (127.0.0.1:<api>, header "Authorization: Bearer <token>"): GET /api/traces, GET /api/traces/<traceId>, …\n');
    return 0;
  }
  try {
    // the token from the environment unless an option gives one (options are visible in ps, the environment is not)
    const env = process.env[TOKEN_ENV];
    const base = { ...defaultOptions(), idleExitMs: 0, ...(env ? { token: checkToken(env, TOKEN_ENV) } : {}) };
    const opts = parseReceiverArgs(args, base);
    const code = await runReceiverProcess(opts);
    // stopped (or given up waiting for connections to close): exit even if a client still holds one open
    process.exit(code);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`trace-explorer receive: ${e.message}\n\n${RECEIVER_USAGE}\n`);
    return 2;
  }
}
