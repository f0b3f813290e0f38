// The waterfall webview's HTML: one script with a fresh nonce, the bundle's CSS, and a CSP that allows
// nothing else (no script or style without the nonce, no network).
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { inlineBundleText } from './inlineBundle';

export const WATERFALL_VIEW_TYPE = 'traceExplorer.waterfall';

/** webview options: scripts on, local resources limited to the built assets (the panel's icon is the workbench's to load) */
export function waterfallWebviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    enableCommandUris: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist')],
  };
}

/** the waterfall's bundle is written into its page: a trace opens in a new panel without waiting for it to load */
export function waterfallHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  return bundleHtml(webview, extensionUri, 'webview', 'Trace', { inline: true });
}

/**
 * The page of any of our webview bundles (dist/<bundle>.js + .css), under the one CSP above. `inline`: the
 * script and the styles are in the page (with the nonce), not loaded from the extension's files after it.
 */
export function bundleHtml(webview: vscode.Webview, extensionUri: vscode.Uri, bundle: string, title: string, o: { inline?: boolean } = {}): string {
  const nonce = randomBytes(18).toString('base64');
  const file = (ext: string) => vscode.Uri.joinPath(extensionUri, 'dist', `${bundle}.${ext}`);
  const csp = [
    "default-src 'none'",
    `style-src ${webview.cspSource}${o.inline ? ` 'nonce-${nonce}'` : ''}`,
    `font-src ${webview.cspSource}`,
    `img-src ${webview.cspSource} data:`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  const style = o.inline
    ? `<style nonce="${nonce}">${inlineBundleText(file('css').fsPath, 'style')}</style>`
    : `<link rel="stylesheet" href="${webview.asWebviewUri(file('css')).toString()}">`;
  const script = o.inline
    ? `<script nonce="${nonce}">${inlineBundleText(file('js').fsPath, 'script')}</script>`
    : `<script nonce="${nonce}" src="${webview.asWebviewUri(file('js')).toString()}"></script>`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${style}
<title>${title}</title>
</head>
<body>
<div id="root"></div>
${script}
</body>
</html>`;
}
