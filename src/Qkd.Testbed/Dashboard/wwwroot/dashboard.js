// The dashboard's script: reads /api/description once, then server-sent events from /api/events, and draws
// every chart as SVG itself (no library, no network beyond this server).
"use strict";
const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"];
const state = { desc: null, slices: [], blocks: [], pools: [], traffic: [], readings: [], schemes: [], alarm: false, phase: "starting" };
const NS = "http://www.w3.org/2000/svg";

function el(tag, attrs, parent) {
  const e = document.createElementNS(NS, tag);
  for (const k in attrs) e.setAttribute(k, attrs[k]);
  if (parent) parent.appendChild(e);
  return e;
}

function num(v) { return typeof v === "number" && isFinite(v) ? v : NaN; }

// series: [{label, points: [[x, y]...], markers}], shade: [x0, x1] or null
function chart(id, series, opts) {
  const svg = document.getElementById(id);
  const w = svg.clientWidth || 460, h = svg.clientHeight || 190, m = { l: 52, r: 10, t: 8, b: 24 };
  while (svg.firstChild) svg.removeChild(svg.firstChild);
  let xs = [], ys = [], count = 0;
  for (const s of series) for (const p of s.points) { if (isFinite(p[0]) && isFinite(p[1])) { xs.push(p[0]); ys.push(p[1]); count++; } }
  svg.setAttribute("data-points", String(count));
  if (count === 0) { el("text", { x: w / 2, y: h / 2, "text-anchor": "middle", fill: "#999", "font-size": 12 }, svg).textContent = "waiting for data"; return; }
  let x0 = Math.min(...xs), x1 = Math.max(...xs), y0 = opts && opts.yMin !== undefined ? opts.yMin : Math.min(...ys), y1 = Math.max(...ys);
  if (opts && opts.xMin !== undefined) x0 = Math.min(x0, opts.xMin);
  if (opts && opts.xMax !== undefined) x1 = Math.max(x1, opts.xMax);
  if (x1 === x0) x1 = x0 + 1;
  if (y1 === y0) y1 = y0 + 1;
  y1 += (y1 - y0) * 0.08;
  const X = x => m.l + (x - x0) / (x1 - x0) * (w - m.l - m.r), Y = y => h - m.b - (y - y0) / (y1 - y0) * (h - m.t - m.b);
  if (opts && opts.shade) {
    const a = Math.max(x0, opts.shade[0]), b = Math.min(x1, opts.shade[1]);
    if (b > a) el("rect", { x: X(a), y: m.t, width: X(b) - X(a), height: h - m.t - m.b, fill: "#c1121f", "fill-opacity": 0.12, "class": "eve-window" }, svg);
  }
  el("line", { x1: m.l, y1: h - m.b, x2: w - m.r, y2: h - m.b, stroke: "#888" }, svg);
  el("line", { x1: m.l, y1: m.t, x2: m.l, y2: h - m.b, stroke: "#888" }, svg);
  for (let i = 0; i <= 4; i++) {
    const yv = y0 + (y1 - y0) * i / 4, xv = x0 + (x1 - x0) * i / 4;
    el("text", { x: m.l - 4, y: Y(yv) + 4, "text-anchor": "end", "font-size": 10, fill: "#555" }, svg).textContent = fmt(yv, opts && opts.percent);
    el("text", { x: X(xv), y: h - 8, "text-anchor": "middle", "font-size": 10, fill: "#555" }, svg).textContent = xv.toFixed(x1 - x0 < 8 ? 1 : 0) + " s";
  }
  if (opts && opts.hline !== undefined) el("line", { x1: m.l, x2: w - m.r, y1: Y(opts.hline), y2: Y(opts.hline), stroke: "#c1121f", "stroke-dasharray": "4 3" }, svg);
  series.forEach((s, i) => {
    const c = s.color || COLORS[i % COLORS.length];
    const pts = s.points.filter(p => isFinite(p[0]) && isFinite(p[1]));
    if (s.markers) { for (const p of pts) el("circle", { cx: X(p[0]), cy: Y(p[1]), r: 4, fill: p[2] || c }, svg); }
    else if (pts.length) el("polyline", { points: pts.map(p => X(p[0]).toFixed(1) + "," + Y(p[1]).toFixed(1)).join(" "), fill: "none", stroke: c, "stroke-width": 1.5 }, svg);
  });
  const legend = document.getElementById(id.replace("chart", "legend"));
  if (legend) legend.innerHTML = series.map((s, i) => `<span style="color:${s.color || COLORS[i % COLORS.length]}">&#9632; ${s.label}</span>`).join("");
}

function fmt(v, percent) { if (percent) return (v * 100).toFixed(1) + "%"; const a = Math.abs(v); return a >= 1e4 ? (v / 1e3).toFixed(0) + "k" : a >= 100 ? v.toFixed(0) : v.toFixed(a >= 1 ? 1 : 3); }

function runOfLink(t) { return t / (state.desc ? state.desc.timeScale : 1); }

function eveShade() {
  const e = state.desc && state.desc.eavesdropper;
  if (!e) return null;
  return [e.atSeconds, e.untilSeconds === null ? 1e12 : e.untilSeconds];
}

function render() {
  const links = state.desc ? state.desc.links : [];
  const shade = eveShade();
  const perLink = f => links.map(l => ({ label: l, points: state.slices.filter(s => s.linkId === l).map(f) }));
  const first = links[0];
  const mine = state.slices.filter(s => s.linkId === first);
  chart("chart-qber", [
    { label: "signal QBER (" + (first || "") + ")", points: mine.map(s => [s.runSeconds, num(s.qberSignal)]) },
    { label: "decoy QBER", points: mine.map(s => [s.runSeconds, num(s.qberDecoy)]) },
    { label: "window QBER (alarm at 5 %)", points: mine.map(s => [s.runSeconds, num(s.windowQber)]), color: "#111" },
  ], { yMin: 0, shade, percent: true, hline: 0.05 });
  chart("chart-sifted", perLink(s => [s.runSeconds, s.siftedRateBps]), { yMin: 0, shade });
  const blockPoints = state.blocks.map(b => [b.runSeconds, b.secretBits / (b.endLinkSeconds - b.startLinkSeconds), b.outcome === "delivered" ? "#2ca02c" : "#c1121f"]);
  chart("chart-key", [
    { label: "delivered / rejected blocks (net)", points: blockPoints, markers: true, color: "#2ca02c" },
    { label: "gross (before authentication)", points: state.blocks.map(b => [b.runSeconds, b.grossSecretBits / (b.endLinkSeconds - b.startLinkSeconds)]), markers: true, color: "#9467bd" },
    { label: "analytic model", points: state.blocks.map(b => [b.runSeconds, b.analyticSecretKeyRateBps]), color: "#1f77b4" },
  ], { yMin: 0, shade });
  const kmes = [...new Set(state.pools.map(p => p.kme))];
  chart("chart-pool", kmes.map(k => ({ label: k, points: state.pools.filter(p => p.kme === k).map(p => [p.runSeconds, p.storedKeys]) })), { yMin: 0, shade });
  const devices = [...new Set(state.readings.map(r => r.device))];
  chart("chart-readings", devices.map(d => ({ label: d, points: state.readings.filter(r => r.device === d).map(r => [r.runSeconds, r.currentA]) })), { yMin: 0 });
  const t = state.traffic.length ? state.traffic[state.traffic.length - 1] : null;
  const rows = t ? [["sealed (sent)", t.sealed], ["opened (decrypted)", t.opened], ["stored at the edge", t.stored], ["held (waiting for key)", t.held],
    ["dropped (never sent in clear)", t.dropped], ["rejected by the receiver", t.rejected], ["key requests refused", t.keyRefusals],
    ["key bits consumed", t.keyBitsConsumed], ["bytes on the wire", t.bytesOnWire], ["latency p50 / p99 [ms]", t.latencyP50Ms + " / " + t.latencyP99Ms]] : [];
  document.querySelector("#traffic tbody").innerHTML = rows.map(r => `<tr><td>${r[0]}</td><td id="traffic-${r[0].split(" ")[0]}">${r[1]}</td></tr>`).join("");
  document.querySelector("#blocks tbody").innerHTML = state.blocks.map(b => `<tr class="${b.outcome}"><td>${b.linkId}</td><td>${b.index}</td>`
    + `<td>${b.startLinkSeconds.toFixed(0)}-${b.endLinkSeconds.toFixed(0)}</td><td>${b.siftedBits}</td><td>${(num(b.qber) * 100).toFixed(2)}%</td>`
    + `<td>${num(b.y1Lower).toExponential(2)}</td><td>${(num(b.e1Upper) * 100).toFixed(1)}%</td><td>${b.leakedBits}</td><td>${b.grossSecretBits}</td>`
    + `<td>${b.authenticationBits}</td><td>${b.secretBits}</td><td>${(b.eveShare * 100).toFixed(0)}%</td><td>${b.outcome}${b.reason ? ": " + b.reason : ""}</td></tr>`).join("");
  document.querySelector("#schemes tbody").innerHTML = state.schemes.map(x => `<tr id="scheme-${x.scheme}"><td>${x.scheme}</td><td>${x.source}</td><td>${x.keyStreams}</td>`
    + `<td>${fmt(x.keyBitsPerSecond)}</td><td>${fmt(x.messagesPerSecond)}</td><td>${fmt(x.bytesPerSecond)}</td><td>${x.latencyP50Ms === null ? "-" : x.latencyP50Ms}</td>`
    + `<td>${x.devicesExposedByOneKey}</td><td>${fmt(x.readingsExposedByOneKey)}</td></tr>`).join("");
  document.getElementById("alarm").className = state.alarm ? "on" : "";
  document.getElementById("phase").textContent = "phase: " + state.phase + (state.detectedAtRunSeconds != null ? "; Eve detected at " + state.detectedAtRunSeconds.toFixed(1) + " s" : "");
}

function describe(d) {
  state.desc = d;
  const eve = d.eavesdropper ? `; Eve: ${d.eavesdropper.kind} (fraction ${d.eavesdropper.fraction}) on ${d.eavesdropper.link} from ${d.eavesdropper.atSeconds} s`
    + (d.eavesdropper.untilSeconds === null ? " to the end" : ` to ${d.eavesdropper.untilSeconds} s`) : "; no eavesdropper";
  document.getElementById("meta").textContent = `supply ${d.supply}, preset ${d.preset} (${d.distanceKm} km), ${d.blockSeconds} s blocks, scheme ${d.scheme}, `
    + `${d.sensors} sensor(s), ${d.kmes} KMEs (${d.links.join(", ")}), ${d.durationSeconds} s run${eve}. x axes: run time [s].`;
  document.getElementById("scale").textContent = d.timeScale === 1 ? "link time in step with wall time"
    : `link time runs ${d.timeScale}x faster than wall time (--time-scale ${d.timeScale}): one wall second is ${d.timeScale} s of link`;
}

fetch("/api/description").then(r => r.json()).then(d => {
  describe(d);
  const source = new EventSource("/api/events");
  source.addEventListener("update", ev => {
    const u = JSON.parse(ev.data);
    state.slices.push(...u.slices); state.blocks.push(...u.blocks); state.pools.push(...u.pools); state.traffic.push(...u.traffic);
    state.readings = u.readings; state.schemes = u.schemes; state.alarm = u.alarm; state.phase = u.phase; state.detectedAtRunSeconds = u.detectedAtRunSeconds;
    render();
  });
  source.onerror = () => { document.getElementById("phase").textContent = "phase: " + state.phase + " (stream closed)"; };
});
