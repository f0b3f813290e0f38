// What every editor-facing feature gets from activate(). Features export
// `activateX(services: HostServices): vscode.Disposable` and never reach into each other:
// they talk through commands (ids in commandIds.ts) and the receiver connection.
import * as vscode from 'vscode';
import type { ApiClient } from '../receiver/apiClient';
import type { HealthInfo, ReceiverEvent } from '../protocol/api';

export type ReceiverStatus =
  | { kind: 'disabled' }
  | { kind: 'starting' }
  // health.http/grpc may still carry a port conflict; `differs`: how this window's receiver settings differ
  // from the running receiver's, which another window started (see settingsDifferences)
  | { kind: 'running'; health: HealthInfo; differs?: readonly string[] }
  | { kind: 'failed'; message: string };

export interface ReceiverConnection {
  readonly status: ReceiverStatus;
  /** the API of the running receiver, or undefined while it is not running */
  readonly api: ApiClient | undefined;
  readonly onDidChangeStatus: vscode.Event<ReceiverStatus>;
  /** every event from the receiver's event stream (trace upserts, removals, stats, location changes) */
  readonly onDidReceiveEvent: vscode.Event<ReceiverEvent>;
  /** resolves with the API once the receiver runs (rejects when it is disabled or failed) */
  ready(): Promise<ApiClient>;
}

export interface HostServices {
  context: vscode.ExtensionContext;
  /** the one log channel; prefix lines with a component tag, e.g. log.info('[panel] …') */
  log: vscode.LogOutputChannel;
  receiver: ReceiverConnection;
}
