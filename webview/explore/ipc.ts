// The explore webviews' side of src/protocol/explore.ts: commands, requests answered by id, notifications.
import { isExploreHostMessage } from '../../src/protocol/explore';
import { HostIpc, type VsCodeApi } from '../ipc';

/** the search page's and the service map's connection, with the state each remembers across reloads */
export class ExploreIpc extends HostIpc {
  constructor(api: VsCodeApi) {
    super(api, isExploreHostMessage);
  }

  get state(): Record<string, unknown> {
    const s = this.api.getState();
    return typeof s === 'object' && s !== null ? (s as Record<string, unknown>) : {};
  }

  patchState(p: Record<string, unknown>): void {
    this.api.setState({ ...this.state, ...p });
  }
}
