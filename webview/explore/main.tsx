// Entry of the explore webviews (src/protocol/explore.ts): the trace search page or the service map, as the
// host's HTML says in <body data-view>.
import { createRoot } from 'react-dom/client';
import { ReportExploreError } from '../../src/protocol/explore';
import { ErrorBoundary } from '../ErrorBoundary';
import { ExploreIpc } from './ipc';
import { SearchApp } from './SearchApp';
import { ServiceMapApp } from './ServiceMapApp';
import './explore.css';

const ipc = new ExploreIpc(acquireVsCodeApi());
const root = document.getElementById('root');
if (root) {
  const view = document.body.dataset.view;
  createRoot(root).render(
    <ErrorBoundary onError={(message) => ipc.command(ReportExploreError, { message })}>
      {view === 'servicemap' ? <ServiceMapApp ipc={ipc} /> : <SearchApp ipc={ipc} />}
    </ErrorBoundary>,
  );
}
