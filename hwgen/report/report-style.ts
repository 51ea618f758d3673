/**
 * The page's only style sheet, inline in report.html. Colours: ANN arrays blue, SNN cores orange, the host's
 * loads grey and drains purple; events ev0..ev7 in a palette that stays apart for colour-blind readers (Okabe–Ito).
 */
export const REPORT_CSS = `
body { font: 14px/1.45 system-ui, sans-serif; color: #1d1d1f; margin: 24px auto; max-width: 1000px; padding: 0 12px; }
h1 { font-size: 22px; margin: 0 0 12px; }
h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
figure { margin: 12px 0 20px; }
figcaption { font-size: 12px; color: #555; margin-top: 4px; }
svg.chart { display: block; max-width: 100%; height: auto; }
svg text { font: 11px system-ui, sans-serif; fill: #1d1d1f; }
dl.summary { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 0; }
dl.summary dt { color: #555; }
dl.summary dd { margin: 0; font-family: ui-monospace, monospace; word-break: break-all; }
dl.figures dd { word-break: normal; white-space: nowrap; font-variant-numeric: tabular-nums; overflow-x: auto; }
table.data { border-collapse: collapse; margin: 8px 0 16px; font-size: 13px; }
table.data caption { text-align: left; font-size: 12px; color: #555; padding-bottom: 4px; }
table.data th, table.data td { border: 1px solid #ddd; padding: 2px 8px; text-align: left; }
table.data td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.data td.params { font-family: ui-monospace, monospace; font-size: 11px; }
table.data tr.bad, table.data tr.bad th { background: #fde8e8; }
table.data tfoot tr { font-weight: 600; background: #f4f4f4; }
p.missing { color: #666; font-style: italic; }
p.ok { color: #1a7f37; }
pre.mismatch-text { font-size: 11px; background: #f6f6f6; padding: 8px; overflow-x: auto; }
.axis-line, .tick { stroke: #888; }
.row-track { stroke: #e4e4e4; }
.track { fill: #eee; }
.bar { stroke: #fff; stroke-width: 0.5; }
.bar-ann { fill: #0072b2; }
.bar-ann.alt { fill: #3b93c9; }
.bar-snn { fill: #e69f00; }
.bar-snn.alt { fill: #f0b83c; }
.bar-load { fill: #999; }
.bar-load.alt { fill: #b3b3b3; }
.bar-drain { fill: #8e6bb8; }
.bar-drain.alt { fill: #a98bcc; }
.ev0 { fill: #0072b2; } .ev1 { fill: #e69f00; } .ev2 { fill: #009e73; } .ev3 { fill: #cc79a7; }
.ev4 { fill: #56b4e9; } .ev5 { fill: #d55e00; } .ev6 { fill: #f0e442; } .ev7 { fill: #000; }
.seg { stroke: #fff; stroke-width: 0.5; }
.point { stroke: #333; stroke-width: 1; }
.point.dominated { fill: #fff; fill-opacity: 0.6; }
.point.front { fill: #d55e00; }
.point-label { font-size: 10px; }
.idle { fill: #999; font-style: italic; }
.wave-line { fill: none; stroke: #1a7f37; stroke-width: 1.5; }
.wave-data { fill: #eef5ff; stroke: #1a7f37; stroke-width: 1; }
.wave-x { fill: #ddd; stroke: #999; stroke-width: 0.5; }
.wave-label { font-size: 10px; }
.focus { fill: #fde8e8; }
`;
