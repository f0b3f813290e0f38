// dist/cli.js — the `trace-explorer` command line. Dispatches on the first argument; each command is one
// file src/cli/<name>.ts exporting `run(args: string[]): Promise<number>` (the exit code).
// Adding a command = one line in COMMANDS.

interface Command {
  summary: string;
  load: () => Promise<{ run(args: string[]): Promise<number> }>;
}

const COMMANDS: Record<string, Command> = {
  receive: { summary: 'run the OTLP receiver and trace store in the foreground (no editor needed)', load: () => import('./receive') },
  convert: { summary: 'convert a trace file (OTLP JSON/protobuf, Jaeger, Zipkin) to OTLP JSON or protobuf', load: () => import('./convert') },
  locate: { summary: 'show where each span of a trace file is in your workspace (checks path mappings)', load: () => import('./locate') },
  run: { summary: 'run a Node command traced: every span on its file and line (npm run dev, node app.js, …)', load: () => import('./run') },
  fixture: { summary: 'turn a trace file into a deterministic fixture or a Vitest/Jest/pytest/Tracetest test', load: () => import('./fixture') },
  mcp: { summary: 'serve the traces to coding agents: an MCP server on stdio (list_traces, get_trace, code_stats, …)', load: () => import('./mcp') },
  diff: { summary: 'compare two traces (files or trace ids) span by span: structure and timings; exit 1 when they differ', load: () => import('./diff') },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return `usage: trace-explorer <command> [options]\n\ncommands:\n${lines.join('\n')}\n\n` +
    'Run `trace-explorer <command> --help` for a command\'s options.\n';
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name === undefined ? 2 : 0;
  }
  const command = Object.prototype.hasOwnProperty.call(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    process.stderr.write(`trace-explorer: unknown command ${JSON.stringify(name)}\n\n${usage()}`);
    return 2;
  }
  const mod = await command.load();
  return mod.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`trace-explorer: ${(e as Error)?.stack ?? e}\n`);
    process.exitCode = 1;
  },
);
