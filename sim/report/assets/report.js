// tcpsim report: draws the data embedded in this page (see docs/report.md). No network,
// no libraries: canvas for the ladder and the charts, SVG for the state diagram.
"use strict";
(function () {
  const D = JSON.parse(document.getElementById("tcpsim-data").textContent);
  const S = D.strs;
  const seg = D.seg;
  const NSEG = seg.t.length;
  const $ = (id) => document.getElementById(id);
  const PARTS = D.parts;
  const PART_COLORS = ["#8c959f", "#bf8700", "#1f6feb", "#8250df", "#0969da99", "#d1242f",
                       "#fb8f44", "#1a7f37"];

  // ---------- formatting ----------
  function fmtTime(ns) {
    if (ns === undefined || ns === null || ns < 0) return "—";
    if (Math.abs(ns) >= 1e9) return (ns / 1e9).toFixed(3) + " s";
    if (Math.abs(ns) >= 1e6) return (ns / 1e6).toFixed(3) + " ms";
    if (Math.abs(ns) >= 1e3) return (ns / 1e3).toFixed(1) + " µs";
    return ns + " ns";
  }
  function fmtBytes(b) {
    if (b === undefined || b < 0) return "—";
    if (b >= 2147483647) return "∞";
    if (b >= 1e6) return (b / 1e6).toFixed(2) + " MB";
    if (b >= 1e3) return (b / 1e3).toFixed(1) + " KB";
    return b + " B";
  }
  function fmtRate(bps) {
    if (bps >= 1e9) return (bps / 1e9).toFixed(2) + " Gbit/s";
    if (bps >= 1e6) return (bps / 1e6).toFixed(2) + " Mbit/s";
    if (bps >= 1e3) return (bps / 1e3).toFixed(1) + " kbit/s";
    return bps.toFixed(0) + " bit/s";
  }
  function esc(s) {
    return String(s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
  }
  function lowerBound(arr, x) {
    let lo = 0, hi = arr.length;
    while (lo < hi) { const m = (lo + hi) >> 1; if (arr[m] < x) lo = m + 1; else hi = m; }
    return lo;
  }
  function upperBound(arr, x) {
    let lo = 0, hi = arr.length;
    while (lo < hi) { const m = (lo + hi) >> 1; if (arr[m] <= x) lo = m + 1; else hi = m; }
    return lo;
  }
  function connLabel(c) { const k = D.conns[c]; return k ? k.a + " ↔ " + k.b : "(no connection)"; }
  function flagsOf(k) { return S[seg.flags[k]]; }
  function hasFlag(k, f) { return flagsOf(k).split(",").indexOf(f) >= 0; }

  // ---------- events: every send, arrival and state change, in time order ----------
  // kind 0: a segment is sent, 1: it arrives, 2: a state change. The cursor is an index here.
  const EV = { t: [], kind: [], ref: [] };
  (function buildEvents() {
    const rows = [];
    for (let k = 0; k < NSEG; k++) {
      rows.push([seg.t[k], 0, k]);
      if (seg.arr[k] >= 0) rows.push([seg.arr[k], 1, k]);
    }
    for (let i = 0; i < D.st.t.length; i++) rows.push([D.st.t[i], 2, i]);
    // At one instant: arrivals, then the state changes they cause, then what is sent.
    const order = [1, 2, 0];
    rows.sort((x, y) => x[0] - y[0] || order.indexOf(x[1]) - order.indexOf(y[1]) || x[2] - y[2]);
    for (const r of rows) { EV.t.push(r[0]); EV.kind.push(r[1]); EV.ref.push(r[2]); }
  })();
  const NEV = EV.t.length;
  const sendRow = new Int32Array(NSEG), arrRow = new Int32Array(NSEG).fill(-1);
  const stateRow = new Int32Array(D.st.t.length);
  for (let i = 0; i < NEV; i++) {
    if (EV.kind[i] === 0) sendRow[EV.ref[i]] = i;
    else if (EV.kind[i] === 1) arrRow[EV.ref[i]] = i;
    else stateRow[EV.ref[i]] = i;
  }

  // ---------- application messages over the segments that carried them ----------
  // A message's bytes are offsets in its sender's stream; offset 0 is relative sequence
  // number 1 (the SYN takes 0). Each span runs from the first to the last drawn segment that
  // carried any of them (retransmissions included).
  const SPANS = [];
  (function buildSpans() {
    if (!D.msgs.length) return;
    const connIndex = new Map();
    D.conns.forEach((c, i) => { connIndex.set(c.a + ">" + c.b, [i, 0]); connIndex.set(c.b + ">" + c.a, [i, 1]); });
    const byDir = new Map();
    for (let k = 0; k < NSEG; k++) {
      if (seg.len[k] <= 0) continue;
      const key = seg.conn[k] * 2 + seg.dir[k];
      if (!byDir.has(key)) byDir.set(key, []);
      byDir.get(key).push(k);
    }
    for (const m of D.msgs) {
      if (m.dir !== "send" || m.begin === undefined) continue;
      const cd = connIndex.get(m.conn);
      if (!cd) continue;
      const lo = m.begin + 1, hi = m.end + 1;
      let first = -1, last = -1;
      for (const k of byDir.get(cd[0] * 2 + cd[1]) || []) {
        if (seg.seq[k] < hi && seg.seq[k] + seg.len[k] > lo) { if (first < 0) first = k; last = k; }
      }
      if (first >= 0) SPANS.push({ m, conn: cd[0], first, last, host: seg.src[first] });
    }
  })();

  // ---------- shared view state ----------
  const view = {
    cursor: 0, conn: -1, selected: -1, dir: 0, ep: 0,
    t0: 0, t1: 1, // the time range of the time charts (zoom)
  };
  // The charts open on the time segments were moving (a TIME-WAIT's quiet minute is left out).
  function activeEnd() {
    let e = 0;
    for (let k = 0; k < NSEG; k++) e = Math.max(e, seg.t[k], seg.arr[k]);
    return e > 0 ? e * 1.03 : Math.max(1, D.end);
  }
  view.t1 = activeEnd();
  const listeners = [];
  function onChange(f) { listeners.push(f); }
  function changed(what) { for (const f of listeners) f(what); }
  function cursorTime() { return NEV ? EV.t[Math.min(view.cursor, NEV - 1)] : 0; }
  function setCursor(i, scroll) {
    view.cursor = Math.max(0, Math.min(NEV - 1, i));
    if (scroll !== false) scrollLadderTo(view.cursor);
    changed("cursor");
  }
  function visibleEvent(i) {
    if (view.conn < 0) return true;
    const k = EV.ref[i];
    return EV.kind[i] === 2 ? D.st.conn[k] === view.conn : seg.conn[k] === view.conn;
  }
  function step(n) {
    let i = view.cursor;
    const d = n > 0 ? 1 : -1;
    for (let left = Math.abs(n); left > 0; left--) {
      let j = i + d;
      while (j >= 0 && j < NEV && !visibleEvent(j)) j += d;
      if (j < 0 || j >= NEV) break;
      i = j;
    }
    if (EV.kind[i] !== 2) view.selected = EV.ref[i];
    setCursor(i);
  }
  function nextStateChange() {
    for (let j = view.cursor + 1; j < NEV; j++) {
      if (EV.kind[j] === 2 && visibleEvent(j)) { setCursor(j); return true; }
    }
    return false;
  }

  // ---------- the ladder ----------
  const ROW = 20, TOP = 34;
  const ladder = { cols: [], colX: [], canvas: $("ladder"), scroll: $("ladder-scroll"), hits: [] };
  let maxSpan = 1;
  for (let k = 0; k < NSEG; k++) {
    const end = arrRow[k] >= 0 ? arrRow[k] : sendRow[k] + 1;
    maxSpan = Math.max(maxSpan, end - sendRow[k]);
  }
  function ladderColumns() {
    const used = new Map();
    const add = (h) => { if (h >= 0 && !used.has(h)) used.set(h, used.size); };
    for (let k = 0; k < NSEG; k++) {
      if (view.conn >= 0 && seg.conn[k] !== view.conn) continue;
      add(seg.src[k]); add(seg.dst[k]);
    }
    for (let i = 0; i < D.st.t.length; i++) {
      if (view.conn < 0 || D.st.conn[i] === view.conn) add(D.st.host[i]);
    }
    ladder.cols = Array.from(used.keys());
  }
  function sizeCanvas(c) {
    const r = c.getBoundingClientRect();
    const dpr = window.devicePixelRatio || 1;
    const w = Math.max(10, Math.round(r.width)), h = Math.max(10, Math.round(r.height));
    if (c.width !== w * dpr || c.height !== h * dpr) { c.width = w * dpr; c.height = h * dpr; }
    const g = c.getContext("2d");
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    return { g, w, h };
  }
  function rowY(row, top) { return TOP + row * ROW - top + ROW / 2; }
  function scrollLadderTo(row) {
    const s = ladder.scroll;
    const y = TOP + row * ROW;
    if (y < s.scrollTop + TOP || y > s.scrollTop + s.clientHeight - 3 * ROW) {
      s.scrollTop = Math.max(0, y - s.clientHeight / 2);
    }
  }
  function drawLadder() {
    const { g, w, h } = sizeCanvas(ladder.canvas);
    $("ladder-spacer").style.height = (TOP + NEV * ROW + 40) + "px";
    const top = ladder.scroll.scrollTop;
    g.clearRect(0, 0, w, h);
    g.font = "12px system-ui, sans-serif";
    const n = ladder.cols.length;
    const margin = Math.min(170, w * 0.22);
    ladder.colX = ladder.cols.map((_, i) => n === 1 ? w / 2 : margin + i * (w - 2 * margin) / (n - 1));
    const colOf = new Map(ladder.cols.map((hst, i) => [hst, i]));
    const first = Math.max(0, Math.floor((top - TOP) / ROW) - 1);
    const last = Math.min(NEV - 1, Math.ceil((top + h - TOP) / ROW) + 1);
    // time labels at the left, one per row
    g.fillStyle = "#6b7280"; g.textAlign = "left";
    for (let i = first; i <= last; i++) if (i % 2 === 0 || ROW > 14) g.fillText(fmtTime(EV.t[i]), 2, rowY(i, top) + 4);
    // columns
    g.strokeStyle = "#c7ccd1"; g.lineWidth = 1;
    for (const x of ladder.colX) { g.beginPath(); g.moveTo(x, TOP - 6); g.lineTo(x, h); g.stroke(); }
    // cursor row
    const cy = rowY(view.cursor, top);
    g.fillStyle = "rgba(227,17,108,0.10)"; g.fillRect(0, cy - ROW / 2, w, ROW);
    // arrows whose rows meet the view
    ladder.hits = [];
    const lastLabel = new Map();  // per column: where the last arrow label went
    const lo = Math.max(0, first - maxSpan);
    for (let i = lo; i <= last; i++) {
      if (EV.kind[i] !== 0) continue;
      const k = EV.ref[i];
      if (view.conn >= 0 && seg.conn[k] !== view.conn) continue;
      const ci = colOf.get(seg.src[k]), cj = colOf.get(seg.dst[k]);
      if (ci === undefined) continue;
      const x0 = ladder.colX[ci];
      const x1 = cj === undefined ? x0 + 60 : ladder.colX[cj];
      const y0 = rowY(sendRow[k], top);
      const lost = seg.drop[k] >= 0;
      const endRow = arrRow[k] >= 0 ? arrRow[k] : sendRow[k] + 1;
      if (endRow < first && !lost) continue;
      let y1 = rowY(endRow, top), xe = x1;
      if (lost || arrRow[k] < 0) { xe = x0 + (x1 - x0) * (lost ? 0.55 : 0.9); y1 = y0 + (y1 - y0) * (lost ? 0.55 : 0.9); }
      const labelled = y0 - (lastLabel.get(ci) ?? -1e9) >= 13 || k === view.selected;
      if (labelled) lastLabel.set(ci, y0);
      drawArrow(g, k, x0, y0, xe, y1, lost, labelled);
      ladder.hits.push([k, x0, y0, xe, y1]);
    }
    // state changes, beside their host's column
    for (let i = first; i <= last; i++) {
      if (EV.kind[i] !== 2) continue;
      const s = EV.ref[i];
      if (view.conn >= 0 && D.st.conn[s] !== view.conn) continue;
      const ci = colOf.get(D.st.host[s]);
      if (ci === undefined) continue;
      const label = S[D.st.to[s]];
      const x = ladder.colX[ci], y = rowY(i, top);
      const left = n >= 2 && ci === 0;
      g.font = "bold 11px system-ui, sans-serif";
      const tw = g.measureText(label).width + 10;
      const bx = left ? x - tw - 6 : x + 6;
      g.fillStyle = ci === 0 ? "#dbe9ff" : "#ffe3d3";
      g.fillRect(bx, y - 8, tw, 16);
      g.fillStyle = "#1d2330"; g.textAlign = "left";
      g.fillText(label, bx + 5, y + 4);
      g.font = "12px system-ui, sans-serif";
    }
    drawSpans(g, colOf, first, last, top);
    // host names on top
    g.fillStyle = "#fff"; g.fillRect(0, 0, w, TOP - 8);
    g.fillStyle = "#1d2330"; g.textAlign = "center"; g.font = "bold 13px system-ui, sans-serif";
    ladder.cols.forEach((hst, i) => g.fillText(D.hosts[hst], ladder.colX[i], 16));
    g.font = "12px system-ui, sans-serif";
    ladder.drawn = ladder.hits.length;
  }
  // Message spans: a bar on the inner side of the sender's column with the message's name.
  function drawSpans(g, colOf, first, last, top) {
    SPANS.forEach((sp, i) => {
      if (view.conn >= 0 && sp.conn !== view.conn) return;
      const r0 = sendRow[sp.first], r1 = sendRow[sp.last];
      if (r1 < first || r0 > last) return;
      const ci = colOf.get(sp.host);
      if (ci === undefined) return;
      const inward = ci === 0 ? 1 : -1;
      const x = ladder.colX[ci] + inward * (6 + (i % 3) * 5);
      const y0 = rowY(r0, top) - 6, y1 = rowY(r1, top) + 6;
      g.fillStyle = PALETTE[i % PALETTE.length] + "aa";
      g.fillRect(x - 2, y0, 4, y1 - y0);
      g.font = "italic 11px system-ui, sans-serif"; g.textAlign = inward > 0 ? "left" : "right";
      g.fillStyle = "#24292f"; g.fillText(sp.m.what, x + inward * 6, y0 + 9);
      g.font = "12px system-ui, sans-serif";
    });
  }
  function drawArrow(g, k, x0, y0, x1, y1, lost, labelled) {
    const sel = k === view.selected;
    const color = lost ? "#d1242f" : seg.rtx[k] ? "#8250df" : seg.dir[k] === 0 ? "#1f6feb" : "#d9480f";
    g.strokeStyle = color; g.fillStyle = color; g.lineWidth = sel ? 3 : 1.3;
    g.beginPath(); g.moveTo(x0, y0); g.lineTo(x1, y1); g.stroke();
    const a = Math.atan2(y1 - y0, x1 - x0);
    if (lost) {
      g.font = "bold 14px system-ui"; g.textAlign = "center"; g.fillText("✕", x1, y1 + 5);
      g.font = "12px system-ui, sans-serif";
    } else {
      g.beginPath(); g.moveTo(x1, y1);
      g.lineTo(x1 - 8 * Math.cos(a - 0.35), y1 - 8 * Math.sin(a - 0.35));
      g.lineTo(x1 - 8 * Math.cos(a + 0.35), y1 - 8 * Math.sin(a + 0.35)); g.fill();
    }
    if (!labelled) return;
    const text = segLabel(k);
    g.save(); g.translate((x0 + x1) / 2, (y0 + y1) / 2); g.rotate(Math.abs(a) > Math.PI / 2 ? a + Math.PI : a);
    g.fillStyle = sel ? "#000" : "#3b4252"; g.textAlign = "center"; g.fillText(text, 0, -4); g.restore();
  }
  function segLabel(k) {
    let s = flagsOf(k) + " seq=" + seg.seq[k];
    if (hasFlag(k, "ACK")) s += " ack=" + seg.ack[k];
    if (seg.len[k] > 0) s += " len=" + seg.len[k];
    if (seg.rtx[k]) s += " (retransmission)";
    return s;
  }
  function distToSegment(px, py, x0, y0, x1, y1) {
    const dx = x1 - x0, dy = y1 - y0;
    const l2 = dx * dx + dy * dy || 1;
    const u = Math.max(0, Math.min(1, ((px - x0) * dx + (py - y0) * dy) / l2));
    return Math.hypot(px - (x0 + u * dx), py - (y0 + u * dy));
  }
  ladder.canvas.addEventListener("click", (ev) => {
    const r = ladder.canvas.getBoundingClientRect();
    const px = ev.clientX - r.left, py = ev.clientY - r.top;
    let best = -1, bd = 7;
    for (const [k, x0, y0, x1, y1] of ladder.hits) {
      const d = distToSegment(px, py, x0, y0, x1, y1);
      if (d < bd) { bd = d; best = k; }
    }
    if (best >= 0) selectSegment(best);
    else {
      const row = Math.floor((py + ladder.scroll.scrollTop - TOP) / ROW);
      if (row >= 0 && row < NEV) setCursor(row, false);
    }
  });
  ladder.scroll.addEventListener("scroll", () => drawLadder());
  function selectSegment(k) {
    if (!(k >= 0 && k < NSEG)) return;
    view.selected = k;
    if (view.conn >= 0 && seg.conn[k] !== view.conn) { view.conn = seg.conn[k]; $("conn-select").value = String(k); }
    setCursor(sendRow[k]);
  }

  // ---------- packet details ----------
  function b64bytes(s) {
    const bin = atob(s); const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }
  const HDR = D.hdr ? b64bytes(D.hdr) : new Uint8Array(0);
  function frameBytes(k) {
    if (!D.hoff || k + 1 >= D.hoff.length) return null;
    return HDR.subarray(D.hoff[k], D.hoff[k + 1]);
  }
  const hex = (v, n) => "0x" + v.toString(16).padStart(n, "0");
  function mac(b, o) { return Array.from(b.subarray(o, o + 6), (x) => x.toString(16).padStart(2, "0")).join(":"); }
  function ip4(b, o) { return b[o] + "." + b[o + 1] + "." + b[o + 2] + "." + b[o + 3]; }
  function ip6(b, o) {
    const p = []; for (let i = 0; i < 16; i += 2) p.push(((b[o + i] << 8) | b[o + i + 1]).toString(16));
    return p.join(":").replace(/(^|:)0(:0)+(:|$)/, "::").replace(/:{3,}/, "::");
  }
  const u16 = (b, o) => (b[o] << 8) | b[o + 1];
  const u32 = (b, o) => ((b[o] << 24) >>> 0) + ((b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]);
  // A dissection like Wireshark's packet details: [title, [lines or subtrees]].
  function dissect(k) {
    const b = frameBytes(k);
    if (!b) return null;
    const tree = [];
    let o = 0, et = 0;
    const lt = D.linktype;
    tree.push(["Frame " + (k + 1) + ": " + D.flen[k] + " bytes on wire (" + D.flen[k] * 8 + " bits)",
      ["Arrival time (simulated or captured): " + fmtTime(seg.t[k]), "Headers kept in this report: " + b.length + " bytes"]]);
    if (lt === 1 && b.length >= 14) {
      et = u16(b, 12);
      tree.push(["Ethernet II, Src: " + mac(b, 6) + ", Dst: " + mac(b, 0),
        ["Destination: " + mac(b, 0), "Source: " + mac(b, 6), "Type: " + (et === 0x0800 ? "IPv4" : et === 0x86dd ? "IPv6" : "?") + " (" + hex(et, 4) + ")"]]);
      o = 14;
    } else if (lt === 113 && b.length >= 16) { et = u16(b, 14); o = 16; tree.push(["Linux cooked capture v1", ["Protocol: " + hex(et, 4)]]); }
    else if (lt === 276 && b.length >= 20) { et = u16(b, 0); o = 20; tree.push(["Linux cooked capture v2", ["Protocol: " + hex(et, 4)]]); }
    else { et = (b[0] >> 4) === 6 ? 0x86dd : 0x0800; tree.push(["Raw IP", []]); }
    let tcp = -1;
    if (et === 0x0800 && b.length >= o + 20) {
      const ihl = (b[o] & 15) * 4;
      tree.push(["Internet Protocol Version 4, Src: " + ip4(b, o + 12) + ", Dst: " + ip4(b, o + 16), [
        "0100 .... = Version: 4", ".... " + (ihl / 4).toString(2).padStart(4, "0") + " = Header Length: " + ihl + " bytes (" + ihl / 4 + ")",
        "Differentiated Services Field: " + hex(b[o + 1], 2) + " (DSCP: " + (b[o + 1] >> 2) + ", ECN: " + (b[o + 1] & 3) + ")",
        "Total Length: " + u16(b, o + 2), "Identification: " + hex(u16(b, o + 4), 4) + " (" + u16(b, o + 4) + ")",
        "Flags: " + hex(b[o + 6] >> 5, 1) + ((b[o + 6] & 0x40) ? ", Don't fragment" : ""),
        "Fragment Offset: " + (u16(b, o + 6) & 0x1fff), "Time to Live: " + b[o + 8], "Protocol: TCP (" + b[o + 9] + ")",
        "Header Checksum: " + hex(u16(b, o + 10), 4), "Source Address: " + ip4(b, o + 12), "Destination Address: " + ip4(b, o + 16)]]);
      tcp = o + ihl;
    } else if (et === 0x86dd && b.length >= o + 40) {
      tree.push(["Internet Protocol Version 6, Src: " + ip6(b, o + 8) + ", Dst: " + ip6(b, o + 24), [
        "0110 .... = Version: 6", "Traffic Class: " + hex(((u16(b, o) >> 4) & 0xff), 2), "Flow Label: " + hex(u32(b, o) & 0xfffff, 5),
        "Payload Length: " + u16(b, o + 4), "Next Header: TCP (" + b[o + 6] + ")", "Hop Limit: " + b[o + 7],
        "Source Address: " + ip6(b, o + 8), "Destination Address: " + ip6(b, o + 24)]]);
      tcp = o + 40;
    }
    if (tcp >= 0 && b.length >= tcp + 20) tree.push(dissectTcp(b, tcp, k));
    return tree;
  }
  function dissectTcp(b, o, k) {
    const hl = (b[o + 12] >> 4) * 4;
    const fl = b[o + 13];
    const names = ["FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR"];
    const set = names.filter((_, i) => fl & (1 << i));
    const c = D.conns[seg.conn[k]];
    const sh = c && !(fl & 2) && c.wscale[0] >= 0 && c.wscale[1] >= 0 ? c.wscale[seg.dir[k]] : -1;
    const lines = [
      "Source Port: " + u16(b, o), "Destination Port: " + u16(b, o + 2),
      "[TCP Segment Len: " + seg.len[k] + "]",
      "Sequence Number: " + seg.seq[k] + "    (relative sequence number)", "Sequence Number (raw): " + u32(b, o + 4),
      "Acknowledgment Number: " + ((fl & 16) ? seg.ack[k] : 0) + "    (relative ack number)", "Acknowledgment number (raw): " + u32(b, o + 8),
      (hl / 4).toString(2).padStart(4, "0") + " .... = Header Length: " + hl + " bytes (" + hl / 4 + ")",
      ["Flags: " + hex(fl, 3) + " (" + set.join(", ") + ")", names.map((n, i) => ((fl >> i) & 1 ? "Set" : "Not set") + ": " + n).reverse()],
      "Window: " + u16(b, o + 14), sh >= 0 ? "[Calculated window size: " + (u16(b, o + 14) << sh) + "]  [Window size scaling factor: " + (1 << sh) + "]" : "[Window size scaling factor: unknown or none]",
      "Checksum: " + hex(u16(b, o + 16), 4), "Urgent Pointer: " + u16(b, o + 18)];
    if (hl > 20) lines.push(["Options: (" + (hl - 20) + " bytes)", tcpOptions(b, o + 20, o + hl, k)]);
    const tcpTitle = "Transmission Control Protocol, Src Port: " + u16(b, o) + ", Dst Port: " + u16(b, o + 2) +
      ", Seq: " + seg.seq[k] + ((fl & 16) ? ", Ack: " + seg.ack[k] : "") + ", Len: " + seg.len[k];
    return [tcpTitle, lines];
  }
  function tcpOptions(b, o, end, k) {
    const out = [];
    const c = D.conns[seg.conn[k]];
    while (o < end) {
      const kind = b[o];
      if (kind === 0) { out.push("End of Option List (EOL)"); break; }
      if (kind === 1) { out.push("No-Operation (NOP)"); o++; continue; }
      const len = b[o + 1];
      if (!len || len < 2 || o + len > end) { out.push("Malformed option (kind " + kind + ")"); break; }
      if (kind === 2) out.push("Maximum segment size: " + u16(b, o + 2) + " bytes");
      else if (kind === 3) out.push("Window scale: " + b[o + 2] + " (multiply by " + (1 << b[o + 2]) + ")");
      else if (kind === 4) out.push("SACK permitted");
      else if (kind === 5) {
        const base = c ? c.base[1 - seg.dir[k]] : 0;
        const blocks = [];
        for (let p = o + 2; p + 8 <= o + len; p += 8) blocks.push("left edge = " + ((u32(b, p) - base) >>> 0) + ", right edge = " + ((u32(b, p + 4) - base) >>> 0) + " (relative)");
        out.push(["SACK: " + blocks.length + " block(s)", blocks]);
      } else if (kind === 8) out.push("Timestamps: TSval " + u32(b, o + 2) + ", TSecr " + u32(b, o + 6));
      else out.push("Option kind " + kind + ", length " + len);
      o += len;
    }
    return out;
  }
  function treeHtml(node) {
    if (typeof node === "string") return "<div>" + esc(node) + "</div>";
    const [title, kids] = node;
    return "<details open><summary>" + esc(title) + "</summary><div class=\"tree\">" + kids.map(treeHtml).join("") + "</div></details>";
  }
  function tcbAt(host, conn, t) {
    for (const s of D.tcb) {
      if (s.host !== host || s.conn !== conn) continue;
      const i = upperBound(s.t, t) - 1;
      if (i < 0) return null;
      return { cwnd: s.cwnd[i], ssthresh: s.ssthresh[i], pipe: s.pipe[i], srtt: s.srtt[i], rto: s.rto[i], rwnd: s.rwnd[i] };
    }
    return null;
  }
  function showDetails() {
    const el = $("details");
    const i = view.cursor;
    const parts = [];
    if (NEV === 0) { el.innerHTML = "<p class=\"muted\">This run sent no segments.</p>"; return; }
    if (EV.kind[i] === 2) parts.push(stateHtml(EV.ref[i]));
    const k = view.selected;
    if (k >= 0) parts.push(segmentHtml(k));
    el.innerHTML = parts.join("") || "<p class=\"muted\">Click a segment in the ladder, or step with the buttons.</p>";
  }
  function stateHtml(s) {
    return "<div class=\"sec\">" + fmtTime(D.st.t[s]) + " " + esc(D.hosts[D.st.host[s]]) + ": " + esc(S[D.st.from[s]]) + " → " + esc(S[D.st.to[s]]) +
      "</div><div class=\"rule\">" + esc(S[D.st.rule[s]] || "(no rule recorded)") + "</div><div class=\"muted\">" + esc(connLabel(D.st.conn[s])) + "</div>";
  }
  function segmentHtml(k) {
    let h = "<div class=\"sec\">Segment " + (k + 1) + " of " + NSEG + ": " + esc(D.hosts[seg.src[k]]) + " → " + esc(seg.dst[k] >= 0 ? D.hosts[seg.dst[k]] : "?") + "</div>";
    h += "<div>" + esc(segLabel(k)) + "</div>";
    h += "<div>sent " + fmtTime(seg.t[k]) + (seg.arr[k] >= 0 ? ", arrived " + fmtTime(seg.arr[k]) + " (" + fmtTime(seg.arr[k] - seg.t[k]) + " on the way)" : "") + "</div>";
    if (seg.drop[k] >= 0) h += "<div style=\"color:#d1242f\">lost: " + esc(S[seg.drop[k]]) + "</div>";
    const tcb = tcbAt(seg.src[k], seg.conn[k], seg.t[k]);
    if (tcb) h += "<div>sender's TCB: cwnd " + fmtBytes(tcb.cwnd) + ", ssthresh " + fmtBytes(tcb.ssthresh) + ", pipe " + fmtBytes(tcb.pipe) + ", srtt " + fmtTime(tcb.srtt) + ", rto " + fmtTime(tcb.rto) + ", peer's window " + fmtBytes(tcb.rwnd) + "</div>";
    for (let s = 0; s < D.st.t.length; s++) if (D.st.seg[s] === k) h += stateHtml(s);
    for (let n = 0; n < D.notes.t.length; n++) if (D.notes.seg[n] === k) h += "<div style=\"color:#bc4c00\">" + esc(S[D.notes.kind[n]]) + (S[D.notes.detail[n]] ? ": " + esc(S[D.notes.detail[n]]) : "") + "</div>";
    for (const sp of SPANS) {
      if (k < sp.first || k > sp.last || seg.conn[k] !== sp.conn) continue;
      if (seg.seq[k] < sp.m.end + 1 && seg.seq[k] + seg.len[k] > sp.m.begin + 1) {
        h += "<div>carries " + esc(sp.m.proto || "") + " message " + esc(sp.m.what) + " (stream bytes " + sp.m.begin + "–" + sp.m.end + ")</div>";
      }
    }
    const tree = dissect(k);
    if (tree) h += "<div class=\"sec\">Packet details</div>" + tree.map(treeHtml).join("");
    else h += "<div class=\"muted\">No capture frame for this segment (give the capture to see every header field).</div>";
    return h;
  }

  // ---------- the state diagram ----------
  const NODES = {
    "CLOSED": [280, 24], "LISTEN": [280, 96], "SYN-RECEIVED": [100, 170], "SYN-SENT": [460, 170],
    "ESTABLISHED": [280, 240], "FIN-WAIT-1": [100, 320], "CLOSE-WAIT": [460, 320],
    "FIN-WAIT-2": [100, 420], "CLOSING": [280, 390], "LAST-ACK": [460, 420], "TIME-WAIT": [280, 500],
  };
  const EDGES = [
    ["CLOSED", "LISTEN", "passive OPEN"], ["CLOSED", "SYN-SENT", "active OPEN / snd SYN"],
    ["LISTEN", "SYN-RECEIVED", "rcv SYN / snd SYN,ACK"], ["LISTEN", "SYN-SENT", "SEND / snd SYN"],
    ["LISTEN", "CLOSED", "CLOSE"], ["SYN-SENT", "SYN-RECEIVED", "rcv SYN / snd SYN,ACK"],
    ["SYN-SENT", "ESTABLISHED", "rcv SYN,ACK / snd ACK"], ["SYN-SENT", "CLOSED", "CLOSE, RST or timeout"],
    ["SYN-RECEIVED", "ESTABLISHED", "rcv ACK of SYN"], ["SYN-RECEIVED", "FIN-WAIT-1", "CLOSE / snd FIN"],
    ["SYN-RECEIVED", "LISTEN", "rcv RST"], ["ESTABLISHED", "FIN-WAIT-1", "CLOSE / snd FIN"],
    ["ESTABLISHED", "CLOSE-WAIT", "rcv FIN / snd ACK"], ["FIN-WAIT-1", "FIN-WAIT-2", "rcv ACK of FIN"],
    ["FIN-WAIT-1", "CLOSING", "rcv FIN / snd ACK"], ["FIN-WAIT-1", "TIME-WAIT", "rcv FIN,ACK / snd ACK"],
    ["FIN-WAIT-2", "TIME-WAIT", "rcv FIN / snd ACK"], ["CLOSING", "TIME-WAIT", "rcv ACK of FIN"],
    ["CLOSE-WAIT", "LAST-ACK", "CLOSE / snd FIN"], ["LAST-ACK", "CLOSED", "rcv ACK of FIN"],
    ["TIME-WAIT", "CLOSED", "2 MSL timeout"],
  ];
  const SVGNS = "http://www.w3.org/2000/svg";
  const diagram = { edges: new Map(), nodes: new Map() };
  function svg(tag, attrs, parent) {
    const e = document.createElementNS(SVGNS, tag);
    for (const a in attrs) e.setAttribute(a, attrs[a]);
    if (parent) parent.appendChild(e);
    return e;
  }
  function edgePath(from, to) {
    const [x0, y0] = NODES[from], [x1, y1] = NODES[to];
    if (to === "CLOSED" && from !== "LISTEN") {
      // back up to CLOSED around the outside: right-hand states on the right, others left
      const right = x0 > 280;
      const sx = right ? x0 + 52 : x0 - 52, ex = right ? 332 : 228;
      const side = right ? (from === "SYN-SENT" ? 530 : 552) : (from === "TIME-WAIT" ? 8 : 24);
      return "M" + sx + " " + y0 + " C " + side + " " + y0 + ", " + side + " " + y1 + ", " + ex + " " + y1;
    }
    if (from === "LISTEN" && to === "CLOSED") return "M250 " + (y0 - 14) + " C 230 70, 230 50, 250 " + (y1 + 12);
    if (from === "SYN-RECEIVED" && to === "LISTEN") return "M" + (x0 + 20) + " " + (y0 - 14) + " Q 150 100, " + (x1 - 60) + " " + (y1 + 4);
    const dx = x1 - x0, dy = y1 - y0, len = Math.hypot(dx, dy) || 1;
    const ox = (dx / len) * 48, oy = (dy / len) * 16;
    return "M" + (x0 + ox) + " " + (y0 + oy) + " L " + (x1 - ox) + " " + (y1 - oy);
  }
  function addEdge(g, from, to, label, extra) {
    const key = from + ">" + to;
    if (diagram.edges.has(key) || !NODES[from] || !NODES[to]) return;
    const grp = svg("g", { class: "edge" + (extra ? " extra" : "") }, g);
    const p = svg("path", { d: edgePath(from, to), id: "edge-" + key }, grp);
    const t = svg("text", {}, grp);
    const tp = svg("textPath", { href: "#edge-" + key, startOffset: "50%", "text-anchor": "middle" }, t);
    tp.textContent = label;
    const title = svg("title", {}, grp); title.textContent = from + " → " + to + ": " + label;
    diagram.edges.set(key, grp);
    return p;
  }
  function buildDiagram() {
    const root = $("diagram");
    const defs = svg("defs", {}, root);
    const m = svg("marker", { id: "arrow", viewBox: "0 0 10 10", refX: "9", refY: "5", markerWidth: "7", markerHeight: "7", orient: "auto-start-reverse" }, defs);
    svg("path", { d: "M0 0 L10 5 L0 10 z", fill: "#6b7280" }, m);
    const ge = svg("g", {}, root);
    for (const [f, t, l] of EDGES) addEdge(ge, f, t, l, false);
    // transitions the run took that the figure does not draw (an abort, a RST)
    for (let i = 0; i < D.st.t.length; i++) addEdge(ge, S[D.st.from[i]], S[D.st.to[i]], "RST / abort", true);
    for (const name in NODES) {
      const [x, y] = NODES[name];
      const g = svg("g", { class: "state", "data-state": name }, root);
      svg("rect", { x: x - 52, y: y - 14, width: 104, height: 28 }, g);
      const t = svg("text", { x, y }, g); t.textContent = name;
      diagram.nodes.set(name, g);
    }
  }
  function diagramEndpoints() {
    // The two ends of the chosen connection, or of the connection of the cursor's event.
    let c = view.conn;
    if (c < 0 && NEV) { const i = view.cursor; c = EV.kind[i] === 2 ? D.st.conn[EV.ref[i]] : seg.conn[EV.ref[i]]; }
    const k = D.conns[c];
    return k ? { conn: c, ha: k.ha, hb: k.hb } : null;
  }
  function updateDiagram() {
    const eps = diagramEndpoints();
    for (const g of diagram.edges.values()) g.classList.remove("taken", "taken-a", "taken-b", "current");
    for (const g of diagram.nodes.values()) g.classList.remove("now-a", "now-b");
    if (!eps) { $("diagram-legend").textContent = ""; return; }
    let current = null, curIdx = -1;
    const now = { a: null, b: null };
    for (let i = 0; i < D.st.t.length; i++) {
      if (D.st.conn[i] !== eps.conn) continue;
      const side = D.st.host[i] === eps.ha ? "a" : "b";
      const key = S[D.st.from[i]] + ">" + S[D.st.to[i]];
      const g = diagram.edges.get(key);
      if (g) g.classList.add("taken", "taken-" + side);
      if (stateRow[i] <= view.cursor) { now[side] = S[D.st.to[i]]; current = key; curIdx = i; }
    }
    if (current && diagram.edges.get(current)) {
      diagram.edges.get(current).classList.add("current");
    }
    for (const side of ["a", "b"]) {
      const n = now[side] && diagram.nodes.get(now[side]);
      if (n) n.classList.add("now-" + side);
    }
    diagram.current = current; diagram.currentIndex = curIdx;
    $("diagram-legend").innerHTML = "<span style=\"color:var(--a)\">■</span> " + esc(D.hosts[eps.ha] || "?") + ": " + esc(now.a || "—") +
      " &nbsp; <span style=\"color:var(--b)\">■</span> " + esc(D.hosts[eps.hb] || "?") + ": " + esc(now.b || "—");
  }

  // ---------- charts ----------
  function niceTicks(lo, hi, n) {
    const span = hi - lo || 1;
    const stepRaw = span / n, mag = Math.pow(10, Math.floor(Math.log10(stepRaw)));
    const stp = [1, 2, 5, 10].map((m) => m * mag).find((s) => span / s <= n) || mag * 10;
    const out = [];
    for (let v = Math.ceil(lo / stp) * stp; v <= hi + 1e-9; v += stp) out.push(v);
    return out;
  }
  // series: {name, color, t[], v[], step, points, bars}; opts: {fmtY, title}
  function drawChart(canvas, series, opts) {
    const { g, w, h } = sizeCanvas(canvas);
    const L = 70, R = 10, T = 18, B = 22;
    g.clearRect(0, 0, w, h);
    const t0 = view.t0, t1 = view.t1;
    let ymax = opts.ymax || 0;
    for (const s of series) {
      const a = lowerBound(s.t, t0), b = upperBound(s.t, t1);
      for (let i = Math.max(0, a - 1); i < Math.min(s.v.length, b + 1); i++) {
        const v = s.v[i] + (s.hi ? s.hi[i] - s.v[i] : 0);
        if (v > ymax && v < 2147483647) ymax = v;
      }
    }
    ymax = ymax * 1.08 || 1;
    const X = (t) => L + (t - t0) / (t1 - t0 || 1) * (w - L - R);
    const Y = (v) => h - B - Math.min(v, ymax) / ymax * (h - T - B);
    g.strokeStyle = "#d6dae1"; g.fillStyle = "#6b7280"; g.font = "11px system-ui, sans-serif"; g.lineWidth = 1;
    for (const v of niceTicks(0, ymax, 4)) { g.beginPath(); g.moveTo(L, Y(v)); g.lineTo(w - R, Y(v)); g.stroke(); g.textAlign = "right"; g.fillText(opts.fmtY(v), L - 4, Y(v) + 4); }
    for (const tt of niceTicks(t0, t1, 6)) { g.textAlign = "center"; g.fillText(fmtTime(tt), X(tt), h - 6); }
    g.textAlign = "left"; g.fillStyle = "#1d2330"; g.fillText(opts.title || "", L + 4, 12);
    let lx = w - R;
    for (const s of series.slice().reverse()) {
      const tw = g.measureText(s.name).width;
      lx -= tw + 22; g.fillStyle = s.color; g.fillRect(lx, 4, 10, 10); g.fillStyle = "#1d2330"; g.fillText(s.name, lx + 14, 13);
    }
    g.save(); g.beginPath(); g.rect(L, T - 2, w - L - R, h - T - B + 4); g.clip();
    for (const s of series) drawSeries(g, s, X, Y, t0, t1, w);
    g.restore();
    canvas._map = { L, R, T, B, w, h, t0, t1 };
    // Keep the drawing: moving the cursor then only redraws its line (cursorOnly).
    const copy = canvas._copy || (canvas._copy = document.createElement("canvas"));
    copy.width = canvas.width; copy.height = canvas.height;
    copy.getContext("2d").drawImage(canvas, 0, 0);
    drawCursorLine(canvas);
  }
  function drawCursorLine(canvas) {
    const m = canvas._map, g = canvas.getContext("2d");
    const x = m.L + (cursorTime() - m.t0) / (m.t1 - m.t0 || 1) * (m.w - m.L - m.R);
    if (x < m.L || x > m.w - m.R) return;
    g.strokeStyle = "#e3116c"; g.lineWidth = 1.5; g.beginPath(); g.moveTo(x, m.T); g.lineTo(x, m.h - m.B); g.stroke();
  }
  // Redraws a chart's cursor over its kept drawing; false when there is none to reuse.
  function cursorOnly(canvas) {
    if (!canvas._copy || !canvas._map || canvas.width !== canvas._copy.width) return false;
    const g = canvas.getContext("2d");
    g.save(); g.setTransform(1, 0, 0, 1, 0, 0); g.clearRect(0, 0, canvas.width, canvas.height);
    g.drawImage(canvas._copy, 0, 0); g.restore();
    drawCursorLine(canvas);
    return true;
  }
  // Lines are decimated to one min/max pair per pixel column; points and bars draw whole.
  function drawSeries(g, s, X, Y, t0, t1, w) {
    const a = Math.max(0, lowerBound(s.t, t0) - 1), b = Math.min(s.t.length, upperBound(s.t, t1) + 1);
    g.strokeStyle = s.color; g.fillStyle = s.color; g.lineWidth = s.width || 1.5;
    if (s.points || s.bars) {
      let lastPx = -1, lastLo = 0, lastHi = 0;
      for (let i = a; i < b; i++) {
        const x = X(s.t[i]);
        const y0 = Y(s.v[i]), y1 = s.hi ? Y(s.hi[i]) : y0 - 2;
        const px = Math.round(x);
        if (px === lastPx && y0 <= lastLo && y1 >= lastHi) continue;
        lastPx = px; lastLo = y0; lastHi = y1;
        if (s.marks && s.marks[i]) { g.fillStyle = s.marks[i]; } else g.fillStyle = s.color;
        g.fillRect(x - 1, Math.min(y0, y1), s.bars ? 2 : 3, Math.max(2, Math.abs(y0 - y1)));
      }
      return;
    }
    g.beginPath();
    let started = false, px = -1, mn = 0, mx = 0, lastY = 0;
    for (let i = a; i < b; i++) {
      if (s.v[i] < 0) continue;
      const x = Math.round(X(s.t[i])), y = Y(s.v[i]);
      if (!started) { g.moveTo(x, y); started = true; px = x; mn = mx = lastY = y; continue; }
      if (x === px) { mn = Math.min(mn, y); mx = Math.max(mx, y); lastY = y; continue; }
      g.lineTo(px, mn); g.lineTo(px, mx); g.lineTo(px, lastY);
      if (s.step) g.lineTo(x, lastY);
      g.lineTo(x, y);
      px = x; mn = mx = lastY = y;
    }
    if (started) { g.lineTo(px, mn); g.lineTo(px, mx); g.lineTo(px, lastY); if (s.step) g.lineTo(X(Math.min(t1, D.end)), lastY); }
    g.stroke();
  }
  function attachZoom(canvas) {
    let down = null;
    canvas.addEventListener("mousedown", (e) => { down = e.offsetX; });
    canvas.addEventListener("mouseup", (e) => {
      const m = canvas._map;
      if (down === null || !m) return;
      const tOf = (x) => m.t0 + (x - m.L) / (m.w - m.L - m.R) * (m.t1 - m.t0);
      const a = Math.min(down, e.offsetX), b = Math.max(down, e.offsetX);
      down = null;
      if (b - a > 6) { view.t0 = Math.max(0, tOf(a)); view.t1 = tOf(b); changed("zoom"); return; }
      const t = tOf(e.offsetX);
      let i = upperBound(EV.t, t) - 1;
      while (i > 0 && !visibleEvent(i)) i--;
      setCursor(Math.max(0, i));
    });
    canvas.addEventListener("dblclick", () => { view.t0 = 0; view.t1 = activeEnd(); changed("zoom"); });
  }

  // ---------- time-sequence graph ----------
  function tsgSeries() {
    const c = view.conn >= 0 ? view.conn : (NSEG ? seg.conn[0] : -1);
    if (c < 0) return [];
    const d = view.dir;
    const data = { name: "data", color: "#1f6feb", t: [], v: [], hi: [], bars: true, marks: [] };
    const rtx = { name: "retransmission", color: "#d1242f", t: [], v: [], hi: [], bars: true };
    const lost = { name: "lost ✕", color: "#000", t: [], v: [], points: true };
    const ack = { name: "ACK", color: "#1a7f37", t: [], v: [], step: true };
    const win = { name: "receive window", color: "#8250df", t: [], v: [], step: true };
    const sack = { name: "SACK", color: "#bf8700", t: [], v: [], hi: [], bars: true };
    for (let k = 0; k < NSEG; k++) {
      if (seg.conn[k] !== c) continue;
      if (seg.dir[k] === d) {
        if (seg.len[k] > 0 || hasFlag(k, "SYN") || hasFlag(k, "FIN")) {
          const s = seg.rtx[k] ? rtx : data;
          s.t.push(seg.t[k]); s.v.push(seg.seq[k]); s.hi.push(seg.seq[k] + Math.max(1, seg.len[k]));
          if (seg.drop[k] >= 0) { lost.t.push(seg.t[k]); lost.v.push(seg.seq[k] + seg.len[k] / 2); }
        }
        if (seg.snd[k] >= 0 && seg.adv[k] < 0) { win.t.push(seg.t[k]); win.v.push(seg.snd[k]); }
      } else if (hasFlag(k, "ACK")) {
        const t = seg.arr[k] >= 0 ? seg.arr[k] : seg.t[k];
        ack.t.push(t); ack.v.push(seg.ack[k]);
        if (seg.adv[k] >= 0) { win.t.push(t); win.v.push(seg.adv[k]); }
        const sk = seg.sack[k];
        if (sk) for (let i = 0; i + 1 < sk.length; i += 2) { sack.t.push(t); sack.v.push(sk[i]); sack.hi.push(sk[i + 1]); }
      }
    }
    const sortBy = (s) => {
      const idx = s.t.map((_, i) => i).sort((x, y) => s.t[x] - s.t[y]);
      for (const key of ["t", "v", "hi"]) if (s[key]) s[key] = idx.map((i) => s[key][i]);
    };
    sortBy(ack); sortBy(win); sortBy(sack);
    return [data, rtx, lost, ack, win, sack].filter((s) => s.t.length > 0 || s === data);
  }
  let tsgCache = null;
  function drawTsg() {
    const key = view.conn + ":" + view.dir;
    if (!tsgCache || tsgCache.key !== key) tsgCache = { key, series: tsgSeries() };
    drawChart($("tsg"), tsgCache.series, { fmtY: fmtBytes, title: "relative sequence number" });
  }

  // ---------- TCB, queues, flows ----------
  function tcbSeries() { return D.tcb[view.ep]; }
  function drawTcb() {
    const s = tcbSeries();
    if (!s) { $("tcb-panel").classList.add("hidden"); return; }
    drawChart($("chart-window"), [
      { name: "cwnd", color: "#1f6feb", t: s.t, v: s.cwnd, step: true },
      { name: "ssthresh", color: "#bf8700", t: s.t, v: s.ssthresh.map((x) => x >= 2147483647 ? -1 : x), step: true },
      { name: "pipe", color: "#1a7f37", t: s.t, v: s.pipe, step: true },
      { name: "flight size", color: "#57606a", t: s.t, v: s.flight, step: true, width: 1 },
      { name: "peer's window", color: "#8250df", t: s.t, v: s.rwnd, step: true },
    ], { fmtY: fmtBytes, title: "bytes" });
    drawChart($("chart-rtt"), [
      { name: "SRTT", color: "#1f6feb", t: s.t, v: s.srtt, step: true },
      { name: "RTO", color: "#d1242f", t: s.t, v: s.rto, step: true },
    ], { fmtY: fmtTime, title: "time" });
  }
  const PALETTE = ["#1f6feb", "#d9480f", "#1a7f37", "#8250df", "#bf8700", "#0a3069", "#d1242f", "#57606a", "#e3116c", "#116329"];
  function drawQueues() {
    if (!D.links.length) { $("links-panel").classList.add("hidden"); return; }
    const series = D.links.slice(0, 10).map((l, i) => ({ name: l.name, color: PALETTE[i % 10], t: l.t, v: l.q, step: true }));
    const drops = { name: "drops", color: "#d1242f", t: [], v: [], points: true };
    let qmax = 1;
    for (const l of D.links) for (const q of l.q) qmax = Math.max(qmax, q);
    D.links.forEach((l) => l.drop_t.forEach((t) => { drops.t.push(t); drops.v.push(qmax); }));
    const idx = drops.t.map((_, i) => i).sort((a, b) => drops.t[a] - drops.t[b]);
    drops.t = idx.map((i) => drops.t[i]); drops.v = idx.map((i) => drops.v[i]);
    series.push(drops);
    drawChart($("chart-queue"), series, { fmtY: (v) => v.toFixed(0), title: "packets queued (10 busiest links shown); drops at the top" });
  }
  // Goodput per flow in bins, and Jain's index over the flows that moved data in each bin.
  function flowBins() {
    const n = 120, t0 = view.t0, t1 = view.t1, dt = (t1 - t0) / n || 1;
    const flows = D.flows.map((f) => {
      const rate = [];
      for (let b = 0; b < n; b++) {
        const a = t0 + b * dt, z = a + dt;
        const at = (t) => { const i = upperBound(f.t, t) - 1; return i < 0 ? 0 : f.bytes[i]; };
        rate.push((at(z) - at(a)) * 8 / (dt / 1e9));
      }
      return rate;
    });
    const t = [];
    for (let b = 0; b < n; b++) t.push(t0 + (b + 0.5) * dt);
    const jain = t.map((_, b) => {
      let s = 0, s2 = 0, m = 0;
      for (const r of flows) if (r[b] > 0) { s += r[b]; s2 += r[b] * r[b]; m++; }
      return m ? (s * s) / (m * s2) : -1;
    });
    return { t, flows, jain };
  }
  function drawFlows() {
    if (D.flows.length < 2) { $("flows-panel").classList.add("hidden"); return; }
    const fb = flowBins();
    const flowName = (f) => { const c = D.conns[f.conn]; const from = c ? (f.host === c.ha ? c.hb : c.ha) : -1; return (from >= 0 ? D.hosts[from] : "?") + " → " + D.hosts[f.host]; };
    const series = fb.flows.slice(0, 10).map((r, i) => ({ name: flowName(D.flows[i]), color: PALETTE[i % 10], t: fb.t, v: r }));
    drawChart($("chart-goodput"), series, { fmtY: fmtRate, title: "goodput per flow (" + D.flows.length + " flows" + (D.flows.length > 10 ? ", 10 shown" : "") + ")" });
    drawChart($("chart-jain"), [{ name: "Jain's index", color: "#8250df", t: fb.t, v: fb.jain }], { fmtY: (v) => v.toFixed(2), title: "fairness over the flows sending in each interval", ymax: 1 });
  }

  // ---------- application messages ----------
  function messageRows() {
    const sent = D.msgs.filter((m) => m.dir === "send");
    const recv = new Map();
    for (const m of D.msgs) if (m.dir === "recv") recv.set(m.conn.split(">").reverse().join(">") + "#" + m.msg, m);
    const lat = new Map();
    for (const l of (D.lat || [])) lat.set(l.conn + "#" + l.msg, l);
    return sent.map((m) => {
      const r = recv.get(m.conn + "#" + m.msg);
      const l = lat.get(m.conn + "#" + m.msg);
      return { m, r, l, issued: l ? l.issued : (m.issued_ns !== undefined ? m.issued_ns : m.t), done: l ? l.delivered : (r ? r.t : -1) };
    });
  }
  function drawMessages() {
    if (!D.msgs.length) { $("msgs-panel").classList.add("hidden"); return; }
    const rows = messageRows();
    const canvas = $("chart-msgs");
    canvas.style.height = Math.min(2400, 30 + rows.length * 12) + "px";
    const { g, w, h } = sizeCanvas(canvas);
    g.clearRect(0, 0, w, h);
    const L = 190, R = 10, T = 8;
    const X = (t) => L + (t - view.t0) / (view.t1 - view.t0 || 1) * (w - L - R);
    const rh = Math.max(2, Math.min(12, (h - T - 20) / Math.max(1, rows.length)));
    g.font = "10px system-ui, sans-serif";
    rows.forEach((row, i) => {
      const y = T + i * rh;
      g.fillStyle = "#1d2330"; g.textAlign = "right";
      g.fillText((row.m.host + " " + row.m.what).slice(0, 30), L - 4, y + rh - 3);
      if (row.done < 0) return;
      if (row.l) {
        let x = X(row.issued);
        row.l.parts.forEach((p, j) => { const wpx = p / (view.t1 - view.t0 || 1) * (w - L - R); g.fillStyle = PART_COLORS[j]; g.fillRect(x, y + 1, Math.max(wpx, 0), rh - 2); x += wpx; });
      } else { g.fillStyle = "#1f6feb"; g.fillRect(X(row.issued), y + 1, Math.max(1, X(row.done) - X(row.issued)), rh - 2); }
    });
    canvas._map = { L, R, T: 0, B: 0, w, h, t0: view.t0, t1: view.t1 };
    const copy = canvas._copy || (canvas._copy = document.createElement("canvas"));
    copy.width = canvas.width; copy.height = canvas.height;
    copy.getContext("2d").drawImage(canvas, 0, 0);
    drawCursorLine(canvas);
    messagesTable(rows);
  }
  function drawMessageCursor() { if (D.msgs.length) cursorOnly($("chart-msgs")); }
  let lastGroups = [];
  function messagesTable(rows) {
    const haveLat = rows.some((r) => r.l);
    let html = "<table><tr><th class=\"l\">from → to</th><th class=\"l\">message</th><th>bytes</th><th>latency</th>" +
      (haveLat ? PARTS.map((p, j) => "<th><span class=\"bar\" style=\"width:10px;background:" + PART_COLORS[j] + "\"></span> " + p + "</th>").join("") : "") + "</tr>";
    const groups = new Map();
    for (const r of rows.slice(0, 400)) {
      const total = r.done >= 0 ? r.done - r.issued : -1;
      html += "<tr><td class=\"l\">" + esc(r.m.host + (r.l ? " → " + r.l.to : "")) + "</td><td class=\"l\">" + esc(r.m.what) + "</td><td>" + ((r.m.end || 0) - (r.m.begin || 0)) + "</td><td>" + fmtTime(total) + "</td>";
      if (haveLat) html += r.l ? r.l.parts.map((p) => "<td>" + (p ? fmtTime(p) : "") + "</td>").join("") : PARTS.map(() => "<td></td>").join("");
      html += "</tr>";
      if (total >= 0) {
        const key = r.l ? r.l.from + " → " + r.l.to + " (" + r.l.proto + ")" : r.m.host + " (" + (r.m.proto || "") + ")";
        const gr = groups.get(key) || { n: 0, sum: 0, parts: PARTS.map(() => 0) };
        gr.n++; gr.sum += total;
        if (r.l) r.l.parts.forEach((p, j) => (gr.parts[j] += p));
        groups.set(key, gr);
      }
    }
    html += "</table>";
    let summary = "<table><tr><th class=\"l\">from → to</th><th>messages</th><th>mean latency</th>" + (haveLat ? PARTS.map((p) => "<th>" + p + "</th>").join("") : "") + "</tr>";
    for (const [app, gr] of groups) summary += "<tr><td class=\"l\">" + esc(app) + "</td><td>" + gr.n + "</td><td>" + fmtTime(gr.sum / gr.n) + "</td>" + (haveLat ? gr.parts.map((p) => "<td>" + fmtTime(p / gr.n) + "</td>").join("") : "") + "</tr>";
    summary += "</table>";
    lastGroups = Array.from(groups, ([key, gr]) => ({ key, n: gr.n, mean: gr.sum / gr.n, parts: gr.parts.map((p) => p / gr.n) }));
    $("msgs-table").innerHTML = "<h3>Mean latency and where it went, per sender and receiver</h3>" + summary + "<h3>Every message</h3>" + html;
  }

  // ---------- controls ----------
  function fillSelectors() {
    const cs = $("conn-select");
    cs.innerHTML = "<option value=\"-1\">all connections (" + D.conns.length + ")</option>" +
      D.conns.map((c, i) => "<option value=\"" + i + "\">" + esc(D.hosts[c.ha] + " " + c.a + " ↔ " + D.hosts[c.hb] + " " + c.b) + "</option>").join("");
    if (D.conns.length === 1) { cs.value = "0"; view.conn = 0; }
    cs.addEventListener("change", () => { view.conn = Number(cs.value); ladderColumns(); fillDirs(); changed("conn"); });
    fillDirs();
    $("dir-select").addEventListener("change", () => { view.dir = Number($("dir-select").value); changed("dir"); });
    const es = $("ep-select");
    es.innerHTML = D.tcb.map((s, i) => "<option value=\"" + i + "\">" + esc(D.hosts[s.host] + " (" + connLabel(s.conn) + ")") + "</option>").join("");
    es.addEventListener("change", () => { view.ep = Number(es.value); changed("ep"); });
    // the endpoint that sent the most segments is the most interesting sender
    let best = 0, bestN = -1;
    D.tcb.forEach((s, i) => { if (s.t.length > bestN) { bestN = s.t.length; best = i; } });
    view.ep = best; es.value = String(best);
  }
  function fillDirs() {
    const c = view.conn >= 0 ? view.conn : (NSEG ? seg.conn[0] : -1);
    const k = D.conns[c];
    const ds = $("dir-select");
    if (!k) { ds.innerHTML = ""; return; }
    // the direction that carried more bytes first
    let bytes = [0, 0];
    for (let i = 0; i < NSEG; i++) if (seg.conn[i] === c) bytes[seg.dir[i]] += seg.len[i];
    view.dir = bytes[1] > bytes[0] ? 1 : 0;
    ds.innerHTML = [0, 1].map((d) => "<option value=\"" + d + "\">" + esc(d === 0 ? k.a + " → " + k.b : k.b + " → " + k.a) + "</option>").join("");
    ds.value = String(view.dir);
  }
  let playing = null;
  function wireControls() {
    $("btn-first").onclick = () => { view.selected = -1; setCursor(0); };
    $("btn-back").onclick = () => step(-1);
    $("btn-fwd").onclick = () => step(1);
    $("btn-next-state").onclick = () => nextStateChange();
    $("btn-play").onclick = () => {
      if (playing) { clearInterval(playing); playing = null; $("btn-play").textContent = "play"; return; }
      $("btn-play").textContent = "pause";
      playing = setInterval(() => { if (view.cursor >= NEV - 1) { $("btn-play").click(); return; } step(1); }, 250);
    };
    const range = $("cursor-range");
    range.max = String(Math.max(0, NEV - 1));
    range.addEventListener("input", () => setCursor(Number(range.value)));
    document.addEventListener("keydown", (e) => {
      if (e.target.tagName === "SELECT" || e.target.tagName === "INPUT") return;
      if (e.key === "ArrowRight") step(1); else if (e.key === "ArrowLeft") step(-1);
      else if (e.key === "n") nextStateChange(); else if (e.key === "Home") setCursor(0);
      else if (e.key === " ") { e.preventDefault(); $("btn-play").click(); }
    });
    for (const id of ["tsg", "chart-window", "chart-rtt", "chart-queue", "chart-goodput", "chart-jain"]) attachZoom($(id));
    window.addEventListener("resize", () => changed("resize"));
  }
  function cursorText() {
    if (!NEV) return "no events";
    const i = view.cursor, k = EV.ref[i];
    const what = EV.kind[i] === 2 ? D.hosts[D.st.host[k]] + " " + S[D.st.from[k]] + " → " + S[D.st.to[k]]
      : (EV.kind[i] === 0 ? "sent " : "arrived ") + D.hosts[EV.kind[i] === 0 ? seg.src[k] : seg.dst[k]] + " " + flagsOf(k);
    return "event " + (i + 1) + "/" + NEV + " · " + fmtTime(EV.t[i]) + " · " + what;
  }

  function renderAll(what) {
    $("cursor-range").value = String(view.cursor);
    $("cursor-text").textContent = cursorText();
    drawLadder(); updateDiagram(); showDetails();
    if (what === "cursor") {
      const charts = ["tsg", "chart-window", "chart-rtt", "chart-queue", "chart-goodput", "chart-jain"];
      const stale = charts.some((id) => !$(id).closest(".hidden") && !cursorOnly($(id)));
      if (!stale) { drawMessageCursor(); return; }
    }
    drawTsg(); drawTcb(); drawQueues(); drawFlows(); drawMessages();
  }

  $("title").textContent = D.title;
  $("origin").textContent = "(" + (D.origin === "capture" ? "inferred from a capture" : "simulated") + "; " + NSEG + " segments, " + D.st.t.length + " state changes)";
  document.title = D.title + " — tcpsim report";
  ladderColumns(); fillSelectors(); buildDiagram(); wireControls();
  onChange(renderAll);
  renderAll("init");

  // For tests and for the curious, from the browser's console.
  window.tcpsimReport = {
    segments: () => NSEG, frames: () => D.frames, events: () => NEV,
    ladderArrows: () => { let n = 0; for (let k = 0; k < NSEG; k++) if (view.conn < 0 || seg.conn[k] === view.conn) n++; return n; },
    drawnArrows: () => ladder.drawn, messageSpans: () => SPANS.length, messageGroups: () => lastGroups,
    cursor: () => view.cursor, cursorTime, step, nextStateChange, setCursor, selectSegment,
    highlightedTransition: () => diagram.current, currentStateIndex: () => diagram.currentIndex,
    details: () => $("details").textContent, showConnection: (c) => { $("conn-select").value = String(c); $("conn-select").dispatchEvent(new Event("change")); },
  };
  document.body.dataset.ready = "1";
})();
