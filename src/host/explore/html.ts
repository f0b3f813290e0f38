// The explore webviews' HTML (search page, service map): one bundle (dist/explore.js) told which view it is
// by <body data-view>, a fresh nonce, and a CSP that allows nothing else.
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import type { ExploreView } from '../../protocol/explore';

export const SEARCH_VIEW_TYPE = 'traceExplorer.search';
export const SERVICE_MAP_VIEW_TYPE = 'traceExplorer.serviceMap';

export function exploreWebviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return {
    enableScripts: true,
    enableCommandUris: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist')],
  };
}

export function exploreHtml(webview: vscode.Webview, extensionUri: vscode.Uri, view: ExploreView, traceId?: string): string {
  const nonce = randomBytes(18).toString('base64');
  const js = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'explore.js'));
  const css = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'explore.css'));
  const csp = [
    "default-src 'none'",
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `img-src ${webview.cspSource} data:`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  // the trace id is checked hex (never span text) before it lands in an attribute
  const traceAttr = traceId && /^[0-9a-f]{1,64}$/.test(traceId) ? ` data-trace-id="${traceId}"` : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${css.toString()}">
<title>${view === 'search' ? 'Search Traces' : 'Service Map'}</title>
</head>
<body data-view="${view}"${traceAttr}>
<div id="root"></div>
<script nonce="${nonce}" src="${js.toString()}"></script>
</body>
</html>`;
}
