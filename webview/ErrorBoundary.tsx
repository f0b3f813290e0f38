// A rendering failure shows what happened (and is reported to the host's log) instead of a blank panel.
import { Component } from 'react';
import type { ReactNode } from 'react';

interface Props {
  children: ReactNode;
  onError(message: string): void;
}

export class ErrorBoundary extends Component<Props, { message: string | null }> {
  override state = { message: null as string | null };

  static getDerivedStateFromError(e: unknown) {
    return { message: e instanceof Error ? e.message : String(e) };
  }

  override componentDidCatch(e: unknown) {
    this.props.onError(`waterfall failed to render: ${e instanceof Error ? e.stack ?? e.message : String(e)}`.slice(0, 2000));
  }

  override render() {
    if (this.state.message === null) return this.props.children;
    return (
      <div className="banner error" role="alert">
        {`The waterfall failed to render: ${this.state.message}. Reopen the trace; if it happens again, the Trace Explorer log has details.`}
      </div>
    );
  }
}
