// dist/receiver.js: the receiver process the first editor window starts (detached, shared by all windows).
// Usage: node dist/receiver.js [options] (see RECEIVER_USAGE); the process itself is runProcess.ts.
import { UsageError, RECEIVER_USAGE, parseReceiverArgs, type ReceiverOptions } from './options';
import { runReceiverProcess } from './runProcess';

let opts: ReceiverOptions;
try {
  opts = parseReceiverArgs(process.argv.slice(2));
} catch (e) {
  if (!(e instanceof UsageError)) throw e;
  // the error last: whoever shows the end of the output (the editor shows the last 20 lines) shows it
  process.stderr.write(`${RECEIVER_USAGE}\ntrace-explorer receiver: ${e.message}\n`);
  process.exit(2);
}
void runReceiverProcess(opts).then((code) => process.exit(code));
