// Every command id in one place (they are the contract between features, the manifest and the tests).
export const Commands = {
  // receiver, status bar, trace list (src/host/*.ts)
  showTraces: 'traceExplorer.showTraces',
  statusMenu: 'traceExplorer.statusMenu',
  copyOtlpEnv: 'traceExplorer.copyOtlpEnv',
  restartReceiver: 'traceExplorer.restartReceiver',
  clearTraces: 'traceExplorer.clearTraces',
  showLog: 'traceExplorer.showLog',
  choosePort: 'traceExplorer.choosePort',
  showCollectorHelp: 'traceExplorer.showCollectorHelp',
  pinTrace: 'traceExplorer.pinTrace',
  unpinTrace: 'traceExplorer.unpinTrace',
  removeTrace: 'traceExplorer.removeTrace',
  copyTraceId: 'traceExplorer.copyTraceId',
  filterTraces: 'traceExplorer.filterTraces',
  clearFilter: 'traceExplorer.clearFilter',
  sortTraces: 'traceExplorer.sortTraces',
  pauseTraceList: 'traceExplorer.pauseTraceList',
  resumeTraceList: 'traceExplorer.resumeTraceList',
  // a run group of the trace list (grouped by run): arg the group's tree node
  setBaselineRun: 'traceExplorer.setBaselineRun',
  clearBaselineRun: 'traceExplorer.clearBaselineRun',
  // waterfall (src/host/panel): args (traceId?: string | {traceId}, spanId?: string)
  openTrace: 'traceExplorer.openTrace',
  /** the active preview panel stays open for its trace (issue 26) */
  keepTracePanel: 'traceExplorer.keepTracePanel',
  // the waterfall's span context menu (src/host/panel): args a webview context {traceId, spanId}
  copySpanId: 'traceExplorer.copySpanId',
  copySpanJson: 'traceExplorer.copySpanJson',
  focusSubtree: 'traceExplorer.focusSubtree',
  // span → source (src/host/source): args (traceId, spanId)
  goToSource: 'traceExplorer.goToSource',
  goToTraceSource: 'traceExplorer.goToTraceSource',
  /** internal (the waterfall's stack frames): which {file, line} resolve to a workspace file */
  resolveFrames: 'traceExplorer.resolveFrames',
  openStackFrame: 'traceExplorer.openStackFrame',
  toggleAnnotations: 'traceExplorer.toggleAnnotations',
  chooseStatsWindow: 'traceExplorer.chooseStatsWindow',
  addPathMapping: 'traceExplorer.addPathMapping',
  showRecentCalls: 'traceExplorer.showRecentCalls',
  // fixtures and files (src/host/fixtures): args (traceId?, spanId? for a subtree)
  copyAsFixture: 'traceExplorer.copyAsFixture',
  // (traceId, spanId) or a webview context {traceId, spanId}: that span and everything under it
  copySubtreeAsFixture: 'traceExplorer.copySubtreeAsFixture',
  openTraceFile: 'traceExplorer.openTraceFile',
  saveTrace: 'traceExplorer.saveTrace',
  replayTrace: 'traceExplorer.replayTrace',
  // explore (src/host/explore): the trace search page, the service map; showTraceServiceMap (traceId)
  searchTraces: 'traceExplorer.searchTraces',
  showServiceMap: 'traceExplorer.showServiceMap',
  showTraceServiceMap: 'traceExplorer.showTraceServiceMap',
  // compare (src/host/compare): compareTraces args (clicked row?, selected rows?) as trace-list commands get
  compareTraces: 'traceExplorer.compareTraces',
  compareRuns: 'traceExplorer.compareRuns',
  // zero-code tracing (src/host/instrument)
  toggleTerminalTracing: 'traceExplorer.toggleTerminalTracing',
} as const;
