// Entry of the compare webview (Compare Traces, Compare Runs; protocol: src/protocol/compare.ts).
import { createRoot } from 'react-dom/client';
import { useEffect, useState } from 'react';
import type { CompareView } from '../../src/protocol/compare';
import { onShow, post } from './ipc';
import { RunsView } from './RunsView';
import { TracesView } from './TracesView';
import './compare.css';

function App() {
  const [view, setView] = useState<CompareView | undefined>();
  useEffect(() => {
    const off = onShow(setView);
    post({ type: 'ready' });
    return off;
  }, []);
  if (!view) return <div className="cmp-app empty muted">Comparing…</div>;
  return view.mode === 'traces' ? <TracesView view={view} /> : <RunsView view={view} />;
}

window.addEventListener('error', (e) => post({ type: 'reportError', message: `compare view: ${e.message}` }));
const root = document.getElementById('root');
if (root) createRoot(root).render(<App />);
