// Entry of the waterfall webview (a browser frame inside VS Code; see src/protocol/waterfall.ts).
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { WebviewIpc } from './ipc';
import { Ready, ReportError } from '../src/protocol/waterfall';
import { ErrorBoundary } from './ErrorBoundary';
import './styles.css';

// the bundle has been parsed and its modules evaluated (for bench/waterfall-workbench.mjs)
performance.mark('traceExplorer.bundle');
const ipc = new WebviewIpc(acquireVsCodeApi());
const root = document.getElementById('root');
if (root) {
  // `ready` before React's first render: the trace the host began loading with the panel is on its way
  // meanwhile (App takes what came once it listens)
  performance.mark('traceExplorer.ready');
  ipc.readyEarly(Ready);
  createRoot(root).render(
    <ErrorBoundary onError={(message) => ipc.command(ReportError, { message })}>
      <App ipc={ipc} />
    </ErrorBoundary>,
  );
}
