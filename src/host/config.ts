// Every setting of the extension, typed, with its default, in one table. Read with `get('receiver.httpPort')`,
// react with `onDidChange(['receiver.httpPort'], …)` (fires only when one of the listed settings changed).
//
// Adding a setting: one line in `settings` below (key without the `traceExplorer.` prefix) plus its entry in
// package.json `contributes.configuration` with the same default — test/unit/host-config.test.js checks that
// the two agree. A value of the wrong type or out of range falls back to the default and is logged once.
import * as vscode from 'vscode';
import { DEFAULT_KEEP_ATTRIBUTES, DEFAULT_REDACT_ATTRIBUTES, DEFAULT_VOLATILE_ATTRIBUTES } from '../fixtures/defaults';

export const SECTION = 'traceExplorer';

export interface Setting<T> {
  readonly default: T;
  /** the value, or undefined when `raw` is not acceptable */
  parse(raw: unknown): T | undefined;
  /** what an acceptable value looks like, for the log */
  readonly expected: string;
}

export function bool(d: boolean): Setting<boolean> {
  return { default: d, expected: 'true or false', parse: (v) => (typeof v === 'boolean' ? v : undefined) };
}

export function int(d: number, min: number, max: number): Setting<number> {
  return {
    default: d,
    expected: `a whole number from ${min} to ${max}`,
    parse: (v) => (typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? v : undefined),
  };
}

export function str(d: string, valid: (s: string) => boolean = () => true, expected = 'text'): Setting<string> {
  return { default: d, expected, parse: (v) => (typeof v === 'string' && valid(v) ? v : undefined) };
}

export function oneOf<const T extends string>(d: T, values: readonly T[]): Setting<T> {
  return {
    default: d,
    expected: `one of ${values.join(', ')}`,
    parse: (v) => (typeof v === 'string' && (values as readonly string[]).includes(v) ? (v as T) : undefined),
  };
}

export function strings(d: readonly string[]): Setting<readonly string[]> {
  return {
    default: d,
    expected: 'a list of strings',
    parse: (v) => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : undefined),
  };
}

/** an object of string values, e.g. path mappings `{ "/app": "${workspaceFolder}" }` */
export function stringMap(d: Readonly<Record<string, string>>): Setting<Readonly<Record<string, string>>> {
  return {
    default: d,
    expected: 'an object whose values are strings',
    parse: (v) =>
      v !== null && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string')
        ? (v as Record<string, string>)
        : undefined,
  };
}

const MiB = 1024 * 1024;

export const settings = {
  // the local OTLP receiver (src/host/receiverConnection.ts restarts it when these change)
  'receiver.enabled': bool(true),
  'receiver.host': str('127.0.0.1', (s) => s.trim().length > 0, 'a host name or IP address'),
  'receiver.httpPort': int(4318, 0, 65535),
  'receiver.grpcPort': int(4317, 0, 65535),
  'receiver.maxBodyBytes': int(20 * MiB, 1024, 1024 * MiB),
  'receiver.corsAllowedOrigins': strings(['http://localhost:*', 'http://127.0.0.1:*']),
  'receiver.idleExitSeconds': int(60, 5, 86_400),
  // the trace store inside the receiver
  'store.maxSpans': int(1_000_000, 1000, 50_000_000),
  'store.maxMemoryMB': int(1024, 16, 65_536),
  'store.persist': bool(true),
  'store.maxDiskMB': int(1024, 16, 1_048_576),
  'store.maxAgeDays': int(7, 1, 3650),
  // the waterfall panel (src/host/panel): traces opened one after another share one preview panel
  'waterfall.preview': bool(true),
  // fixtures and trace files (src/host/fixtures); defaults documented in src/fixtures/defaults.ts
  'fixtures.volatileAttributes': strings(DEFAULT_VOLATILE_ATTRIBUTES),
  'fixtures.volatileMode': oneOf('normalize', ['normalize', 'drop']),
  'fixtures.redactAttributes': strings(DEFAULT_REDACT_ATTRIBUTES),
  'fixtures.redactPatterns': strings([]),
  'fixtures.keepAttributes': strings(DEFAULT_KEEP_ATTRIBUTES),
  'fixtures.timestamps': oneOf('rebase', ['rebase', 'absolute']),
  'fixtures.durationBudgets': bool(true),
  'fixtures.destination': oneOf('ask', ['ask', 'clipboard', 'editor', 'file']),
  // span → source (src/host/source)
  pathMappings: stringMap({}),
  'codeLens.enabled': bool(true),
  'annotations.enabled': bool(true),
  'annotations.warnMs': int(100, 1, 3_600_000),
  'annotations.slowMs': int(500, 1, 3_600_000),
  'stats.window': oneOf('lastMinutes', ['lastMinutes', 'session', 'all']),
  'stats.windowMinutes': int(15, 1, 10_080),
  // zero-code tracing of programs started from the editor (src/host/instrument)
  'instrument.debugSessions': bool(true),
  'instrument.terminals': bool(false),
} satisfies Record<string, Setting<unknown>>;

export type SettingKey = keyof typeof settings;
export type SettingValue<K extends SettingKey> = (typeof settings)[K] extends Setting<infer T> ? T : never;

let reportInvalid: (message: string) => void = () => undefined;
const reported = new Set<string>();

/** Where warnings about unusable values go (the log channel); set once by activate(). */
export function setInvalidValueReporter(report: (message: string) => void): void {
  reportInvalid = report;
}

export function get<K extends SettingKey>(key: K): SettingValue<K> {
  const setting = settings[key] as Setting<SettingValue<K>>;
  const raw = vscode.workspace.getConfiguration(SECTION).get<unknown>(key);
  if (raw === undefined || raw === null) return setting.default;
  const value = setting.parse(raw);
  if (value !== undefined) return value;
  const note = `${SECTION}.${key}: ${JSON.stringify(raw)} is not ${setting.expected}; using ${JSON.stringify(setting.default)}`;
  if (!reported.has(note)) {
    reported.add(note);
    reportInvalid(note);
  }
  return setting.default;
}

/** Calls `listener` with the changed keys when any of `keys` changes (and only then). */
export function onDidChange(keys: readonly SettingKey[], listener: (changed: SettingKey[]) => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((e) => {
    const changed = keys.filter((k) => e.affectsConfiguration(`${SECTION}.${k}`));
    if (changed.length > 0) listener(changed);
  });
}

/**
 * Writes a setting where it is currently set (workspace settings win over user settings, so writing to the
 * user settings while the workspace sets the key would change nothing), else to the user settings.
 */
export async function update<K extends SettingKey>(key: K, value: SettingValue<K>, target?: vscode.ConfigurationTarget): Promise<void> {
  const cfg = vscode.workspace.getConfiguration(SECTION);
  if (target === undefined) {
    const where = cfg.inspect(key);
    target = where?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  }
  await cfg.update(key, value, target);
}

/** Opens the Settings editor on one setting. */
export function openSetting(key: SettingKey): Thenable<unknown> {
  return vscode.commands.executeCommand('workbench.action.openSettings', `${SECTION}.${key}`);
}
