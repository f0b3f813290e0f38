// The waterfall webview's HTML: one script with a fresh nonce, the bundle's CSS, and a CSP that allows
// nothing else (no inline script or style, no network).
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';

export const WATERFALL_VIEW_TYPE = 'traceExplorer.waterfall';

/** webview options: scripts on, local resources limited to the built assets (the panel's icon is the workbench's to load) */
export function waterfallWebviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    enableCommandUris: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist')],
  };
}

export function waterfallHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  return bundleHtml(webview, extensionUri, 'webview', 'Trace');
}

/** The page of any of our webview bundles (dist/<bundle>.js + .css), under the one CSP above. */
export function bundleHtml(webview: vscode.Webview, extensionUri: vscode.Uri, bundle: string, title: string): string {
  const nonce = randomBytes(18).toString('base64');
  const js = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', `${bundle}.js`));
  const css = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', `${bundle}.css`));
  const csp = [
    "default-src 'none'",
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `img-src ${webview.cspSource} data:`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${css.toString()}">
<title>${title}</title>
</head>
<body>
<div id="root"></div>
<script nonce="${nonce}" src="${js.toString()}"></script>
</body>
</html>`;
}
