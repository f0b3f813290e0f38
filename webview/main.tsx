// Entry of the waterfall webview (a browser frame inside VS Code; see src/protocol/waterfall.ts).
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { WebviewIpc } from './ipc';
import { ReportError } from '../src/protocol/waterfall';
import { ErrorBoundary } from './ErrorBoundary';
import './styles.css';

const ipc = new WebviewIpc(acquireVsCodeApi());
const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <ErrorBoundary onError={(message) => ipc.command(ReportError, { message })}>
      <App ipc={ipc} />
    </ErrorBoundary>,
  );
}
