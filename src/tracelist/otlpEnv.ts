// The OTEL_EXPORTER_OTLP_* environment variables that point an OpenTelemetry SDK at the running receiver,
// written out for the shells and files developers paste them into.

export type OtlpProtocol = 'http/protobuf' | 'grpc';
export type EnvFormat = 'posix' | 'fish' | 'powershell' | 'cmd' | 'dotenv';

export const ENV_FORMATS: ReadonlyArray<{ format: EnvFormat; label: string; detail: string }> = [
  { format: 'posix', label: 'bash / zsh / sh', detail: 'export NAME=value' },
  { format: 'fish', label: 'fish', detail: 'set -gx NAME value' },
  { format: 'powershell', label: 'PowerShell', detail: '$env:NAME = "value"' },
  { format: 'cmd', label: 'Windows cmd.exe', detail: 'set NAME=value' },
  { format: 'dotenv', label: '.env file / docker --env-file / launch.json envFile', detail: 'NAME=value' },
];

/**
 * The address an app on this machine uses to reach a receiver bound to `host`: wildcard binds are reached
 * through loopback; IPv6 literals get brackets.
 */
export function clientHost(host: string): string {
  const h = host.trim();
  if (h === '' || h === '0.0.0.0') return '127.0.0.1';
  if (h === '::' || h === '[::]') return '[::1]';
  if (h.includes(':') && !h.startsWith('[')) return `[${h}]`;
  return h;
}

export function otlpEnv(host: string, port: number, protocol: OtlpProtocol): Array<[name: string, value: string]> {
  const base = `http://${clientHost(host)}:${port}`;
  return [
    ['OTEL_EXPORTER_OTLP_ENDPOINT', base],
    ['OTEL_EXPORTER_OTLP_PROTOCOL', protocol],
    // per-signal endpoint: OTLP/HTTP wants the full path, gRPC the bare address
    ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', protocol === 'grpc' ? base : `${base}/v1/traces`],
  ];
}

function quotePosix(v: string): string {
  return /^[\w@%+=:,./-]+$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`;
}

export function formatEnv(vars: ReadonlyArray<readonly [string, string]>, format: EnvFormat): string {
  const lines = vars.map(([k, v]) => {
    switch (format) {
      case 'posix':
        return `export ${k}=${quotePosix(v)}`;
      case 'fish':
        return `set -gx ${k} ${quotePosix(v)}`;
      case 'powershell':
        return `$env:${k} = "${v.replace(/[`"$]/g, '`$&')}"`;
      case 'cmd':
        return `set "${k}=${v}"`;
      case 'dotenv':
        return `${k}=${v}`;
    }
  });
  return lines.join('\n') + '\n';
}
