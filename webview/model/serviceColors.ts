// Service colours from the theme's chart colours (red is kept for errors). Mixing them with the theme's
// foreground and background gives 15 distinguishable colours that follow light, dark and high contrast.
const BASE = ['blue', 'green', 'purple', 'orange', 'yellow'];

export const SERVICE_COLORS: string[] = [
  ...BASE.map((c) => `var(--vscode-charts-${c})`),
  ...BASE.map((c) => `color-mix(in srgb, var(--vscode-charts-${c}) 55%, var(--vscode-editor-background))`),
  ...BASE.map((c) => `color-mix(in srgb, var(--vscode-charts-${c}) 60%, var(--vscode-foreground))`),
];

/** colour slot of each service, by the service's string index (services in order of appearance) */
export function serviceSlots(services: number[], stringCount: number): Int32Array {
  const slots = new Int32Array(stringCount).fill(-1);
  services.forEach((s, i) => (slots[s] = i % SERVICE_COLORS.length));
  return slots;
}
