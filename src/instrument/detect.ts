// Does the program bring its own OpenTelemetry SDK? Then we must not instrument twice (auto → locations).
import { trace } from '@opentelemetry/api';
import { readPackageJson } from './settings';

const SDK_PACKAGES = [
  '@opentelemetry/sdk-node',
  '@opentelemetry/sdk-trace-node',
  '@opentelemetry/sdk-trace-base',
  '@opentelemetry/sdk-trace',
  '@opentelemetry/auto-instrumentations-node',
];

/** Why the app counts as already instrumented, or undefined. */
export function ownSdkReason(env: NodeJS.ProcessEnv, execArgv: string[], packageJson: string | undefined): string | undefined {
  // the API keeps what was registered on one global (shared by every copy of @opentelemetry/api 1.x); a class
  // name would not do: bundlers rename classes
  const api = (globalThis as Record<symbol, { trace?: unknown } | undefined>)[Symbol.for('opentelemetry.js.api.1')];
  if (api?.trace) {
    const name = (trace.getTracerProvider() as { getDelegate?: () => object }).getDelegate?.()?.constructor?.name;
    return `a tracer provider${name ? ` (${name})` : ''} is already registered`;
  }
  const preload = `${env.NODE_OPTIONS ?? ''} ${execArgv.join(' ')}`;
  if (preload.includes('@opentelemetry/auto-instrumentations-node/register')) return 'NODE_OPTIONS preloads @opentelemetry/auto-instrumentations-node/register';
  const pkg = readPackageJson(packageJson);
  if (pkg) {
    for (const field of ['dependencies', 'devDependencies', 'optionalDependencies']) {
      const deps = pkg[field];
      if (!deps || typeof deps !== 'object') continue;
      const found = SDK_PACKAGES.find((p) => Object.prototype.hasOwnProperty.call(deps, p));
      if (found) return `package.json depends on ${found}`;
    }
  }
  return undefined;
}
