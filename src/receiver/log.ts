// The receiver process's log: lines on stderr (the extension redirects them to receiver.log). Warnings
// about bad input are rate-limited so a misbehaving client cannot flood the log.
export interface ReceiverLog {
  info(msg: string): void;
  warn(msg: string): void;
}

export function stderrLog(): ReceiverLog {
  let windowStart = 0;
  let inWindow = 0;
  let suppressed = 0;
  const line = (level: string, msg: string) => process.stderr.write(`${new Date().toISOString()} ${level} ${msg}\n`);
  return {
    info: (msg) => line('info', msg),
    warn: (msg) => {
      const now = Date.now();
      if (now - windowStart > 10_000) {
        if (suppressed) line('warn', `(${suppressed} similar warnings suppressed)`);
        windowStart = now;
        inWindow = 0;
        suppressed = 0;
      }
      if (++inWindow > 20) {
        suppressed++;
        return;
      }
      line('warn', msg);
    },
  };
}

export const silentLog: ReceiverLog = { info: () => undefined, warn: () => undefined };
