// Entry of the waterfall webview (a browser frame inside VS Code; see src/protocol/waterfall.ts).
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { WebviewIpc } from './ipc';
import { Ready } from '../src/protocol/waterfall';
import './styles.css';

const ipc = new WebviewIpc(acquireVsCodeApi());
const root = document.getElementById('root');
if (root) {
  createRoot(root).render(<App ipc={ipc} />);
  // the host queues everything until this arrives; the listener above is already installed
  ipc.command(Ready, {});
}
