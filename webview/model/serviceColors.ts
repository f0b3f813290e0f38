// Service colours: 48 colours picked (greedily, farthest first) from OKLCH hues, lightness and chroma so that
// any two of the first 40 stay apart (OKLab distance at least 0.06 in the light and dark themes) and the
// first few are the most distinct. Red hues are left out: red marks errors. The lightness follows the theme
// (--svc-l in styles.css: darker on light backgrounds, lighter on dark ones).
// [hue °, lightness offset, chroma]
const PICKS: [number, number, number][] = [
  [250, 0, 0.15], [69, 0.1, 0.15], [141, -0.12, 0.15], [345, -0.12, 0.15], [333, 0.1, 0.15], [165, 0.1, 0.15],
  [63, -0.06, 0.09], [213, -0.12, 0.09], [285, -0.12, 0.15], [225, 0.1, 0.09], [123, 0, 0.15], [303, 0, 0.15],
  [183, 0, 0.09], [117, 0.1, 0.09], [345, 0, 0.15], [285, 0.1, 0.15], [45, 0, 0.15], [45, -0.12, 0.15],
  [321, -0.06, 0.09], [105, -0.12, 0.09], [261, -0.06, 0.09], [45, 0.06, 0.09], [141, -0.06, 0.09], [249, -0.12, 0.15],
  [93, 0, 0.15], [315, -0.12, 0.15], [345, 0.06, 0.09], [153, 0, 0.15], [213, 0, 0.15], [165, -0.12, 0.09],
  [135, 0.1, 0.15], [285, 0, 0.09], [159, 0.06, 0.09], [105, -0.06, 0.15], [111, 0.06, 0.15], [273, -0.06, 0.15],
  [297, -0.12, 0.09], [333, -0.06, 0.15], [243, 0.06, 0.15], [195, -0.06, 0.09], [333, 0, 0.09], [135, -0.06, 0.15],
  [315, 0.06, 0.15], [339, -0.12, 0.09], [309, -0.06, 0.15], [189, 0.1, 0.15], [87, 0.06, 0.09], [57, 0, 0.09],
];

export const SERVICE_COLORS: string[] = PICKS.map(([h, dl, c]) => `oklch(calc(var(--svc-l, 0.66) + ${dl}) ${c} ${h})`);

/** colour slot of each service, by the service's string index (services in order of appearance) */
export function serviceSlots(services: number[], stringCount: number): Int32Array {
  const slots = new Int32Array(stringCount).fill(-1);
  services.forEach((s, i) => (slots[s] = i % SERVICE_COLORS.length));
  return slots;
}
