/**
 * The few pieces every chart and the page share: escaping, elements as strings, and numbers written the same
 * way every time (the page must be byte-identical for identical data, so nothing here depends on the locale).
 */

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text or an attribute value made safe for HTML and SVG alike. */
export function escapeText(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char]!);
}

export type Attributes = Readonly<Record<string, string | number | undefined>>;

/** A coordinate or size: at most two decimals, no trailing zeros, never `-0`. */
export function coordinate(value: number): string {
  const rounded = Math.round(value * 100) / 100;
  return Object.is(rounded, -0) ? '0' : String(rounded);
}

function attributeText(attributes: Attributes): string {
  return Object.entries(attributes)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([name, value]) => ` ${name}="${typeof value === 'number' ? coordinate(value) : escapeText(value)}"`)
    .join('');
}

/** `<tag a="1">children</tag>`; children are markup already (escape text with escapeText or text()). */
export function element(tag: string, attributes: Attributes = {}, children: readonly string[] = []): string {
  return `<${tag}${attributeText(attributes)}>${children.join('')}</${tag}>`;
}

/** An element with no content and no end tag (`<meta …>`). */
export function voidElement(tag: string, attributes: Attributes = {}): string {
  return `<${tag}${attributeText(attributes)}>`;
}

/** A `<text>` element holding escaped text. */
export function text(x: number, y: number, content: string, attributes: Attributes = {}): string {
  return element('text', { x, y, ...attributes }, [escapeText(content)]);
}

/** A tooltip: a `<title>` as an element's first child. */
export function tooltip(content: string): string {
  return element('title', {}, [escapeText(content)]);
}

/**
 * A chart's root: sized in pixels, scaled down by CSS on narrow pages (viewBox). `figure` names it for the
 * browser check (browser-check.ts), which requires every named figure to be drawn and non-empty. Inline in
 * HTML, so no xmlns: the page names no URL at all.
 */
export function svgRoot(figure: string, width: number, height: number, label: string, children: readonly string[]): string {
  return element('svg', { class: 'chart', 'data-figure': figure, width, height, viewBox: `0 0 ${coordinate(width)} ${coordinate(height)}`, role: 'img', 'aria-label': label }, children);
}

/**
 * The shapes that draw data (bars, energy segments, design points, waves), as the charts class them: a chart
 * with none of them drawn is empty (browser-check.ts). Axes, tracks, legends and labels do not count.
 */
export const DATA_MARK_SELECTOR = '.bar, .seg, .point, .wave-line, .wave-data, .wave-x';

/** 1234567 → `1 234 567`: grouped with thin spaces, the same on every machine. */
export function integerText(value: number): string {
  const sign = value < 0 ? '-' : '';
  return sign + String(Math.round(Math.abs(value))).replace(/\B(?=(\d{3})+(?!\d))/g, '\u2009');
}

const SI_PREFIXES: readonly [number, string][] = [
  [1e12, 'T'],
  [1e9, 'G'],
  [1e6, 'M'],
  [1e3, 'k'],
];

/** A compact quantity for axes and labels: 1500 → `1.5k`, 2e6 → `2M`, 0.25 → `0.25`. */
export function compactNumber(value: number): string {
  const magnitude = Math.abs(value);
  for (const [scale, prefix] of SI_PREFIXES) if (magnitude >= scale) return `${trimmed(value / scale)}${prefix}`;
  return trimmed(value);
}

/** At most three significant decimals, no trailing zeros. */
function trimmed(value: number): string {
  const text = Math.abs(value) >= 100 ? value.toFixed(0) : Math.abs(value) >= 10 ? value.toFixed(1) : value.toFixed(2);
  const short = text.includes('.') ? text.replace(/\.?0+$/, '') : text;
  return short === '-0' ? '0' : short;
}

/** A fraction as a percentage with one decimal: 0.4213 → `42.1 %`. */
export function percentText(fraction: number): string {
  return `${(fraction * 100).toFixed(1)} %`;
}
