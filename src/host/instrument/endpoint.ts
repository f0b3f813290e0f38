// Where traced programs send their spans (the running receiver's OTLP/HTTP port) and where the runtime they
// preload lives inside the extension.
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { ReceiverConnection, ReceiverStatus } from '../services';
import { clientHost } from '../../tracelist/otlpEnv';

const READY_WAIT_MS = 5000; // a launch right after the window opened waits this long for the receiver

export interface ReceiverEndpoint {
  /** OTLP/HTTP base URL, e.g. http://127.0.0.1:4318 */
  url: string;
  /** both OTLP ports are the defaults (4318, 4317) */
  defaultPorts: boolean;
}

/** The running receiver's OTLP/HTTP endpoint; waits briefly while it starts; undefined when it does not run. */
export async function receiverEndpoint(receiver: ReceiverConnection): Promise<ReceiverEndpoint | undefined> {
  if (receiver.status.kind === 'starting') {
    await Promise.race([receiver.ready().catch(() => undefined), new Promise((r) => setTimeout(r, READY_WAIT_MS))]);
  }
  return runningEndpoint(receiver.status);
}

/** The endpoint of a running receiver whose OTLP/HTTP port is open, else undefined. */
export function runningEndpoint(s: ReceiverStatus): ReceiverEndpoint | undefined {
  if (s.kind !== 'running' || !s.health.http.listening) return undefined;
  const h = s.health;
  return { url: `http://${clientHost(h.host)}:${h.http.port}`, defaultPorts: h.http.port === 4318 && h.grpc.port === 4317 && h.grpc.listening };
}

/** dist/instrument/register.js of this extension, or undefined when the build left it out. */
export function runtimePath(context: vscode.ExtensionContext): string | undefined {
  const p = context.asAbsolutePath('dist/instrument/register.js');
  return fs.existsSync(p) ? p : undefined;
}
