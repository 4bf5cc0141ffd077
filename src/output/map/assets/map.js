// pcn-atlas map: pan, zoom, hover, search and colouring of the SVG that
// `pcn-atlas` wrote into this page. No third-party code, no network.
(function () {
  'use strict';
  const D = JSON.parse(document.getElementById('data').textContent);
  const svg = document.getElementById('svg');
  const map = document.getElementById('map');
  const tip = document.getElementById('tip');
  const info = document.getElementById('info');
  const legend = document.getElementById('legend');
  const status = document.getElementById('status');
  const sel = document.getElementById('sel');
  const F = D.frame;
  const pcnEls = Array.from(document.querySelectorAll('#pcns path'));
  const ptEls = Array.from(document.querySelectorAll('#points path[data-i]'));
  const byCode = new Map();
  D.pcns.forEach((p, k) => byCode.set(p.code.toUpperCase(), k));
  const ptByCode = new Map();
  D.points.forEach((p, i) => ptByCode.set(p.code.toUpperCase(), i));
  const classOf = new Map(D.classes.map((c) => [c.code, c]));
  const codeOf = new Map(D.codes.map((c) => [c.code, c]));
  const label = (code) => (codeOf.get(code) || { label: code }).label;
  const areaEls = Array.from(document.querySelectorAll('#areas path[data-a]'));
  const areaByCode = new Map();
  D.areas.forEach((a, i) => areaByCode.set(a.code.toUpperCase(), i));

  // ---- view: the viewBox, kept at the element's aspect ratio ----------
  let view = { x: 0, y: 0, w: F.width, h: F.height };
  function fit(b, pad) {
    const W = map.clientWidth || 1, H = map.clientHeight || 1;
    const bw = Math.max(b.w, 1) * (1 + 2 * pad), bh = Math.max(b.h, 1) * (1 + 2 * pad);
    const s = Math.max(bw / W, bh / H);
    const cx = b.x + b.w / 2, cy = b.y + b.h / 2;
    view = { x: cx - (W * s) / 2, y: cy - (H * s) / 2, w: W * s, h: H * s };
    apply();
  }
  // While the user drags or turns the wheel, the last drawn SVG is moved
  // and scaled by a CSS transform (composited, so smooth at any size); the
  // viewBox is redrawn when the gesture ends.
  let drawn = null;
  let idle = 0;
  function apply(live) {
    if (live && drawn) {
      const W = map.clientWidth || 1, H = map.clientHeight || 1;
      const s = drawn.w / view.w;
      const tx = ((drawn.x - view.x) / view.w) * W, ty = ((drawn.y - view.y) / view.h) * H;
      svg.style.transform = `translate(${tx}px, ${ty}px) scale(${s})`;
      drawScale();
      clearTimeout(idle);
      if (live === 'wheel') idle = setTimeout(() => apply(false), 180);
      return;
    }
    clearTimeout(idle);
    drawn = { ...view };
    svg.setAttribute('viewBox', `${view.x} ${view.y} ${view.w} ${view.h}`);
    svg.style.transform = '';
    drawScale();
    if (window.pcnAtlas) redraw();
  }
  const home = () => fit({ x: 0, y: 0, w: F.width, h: F.height }, 0.02);
  // Client pixel -> map units.
  function toMap(cx, cy) {
    const r = map.getBoundingClientRect();
    return { x: view.x + ((cx - r.left) / r.width) * view.w, y: view.y + ((cy - r.top) / r.height) * view.h };
  }
  function zoomAt(cx, cy, f, live) {
    const m = toMap(cx, cy);
    const minW = 200; // metres across at the closest
    const maxW = Math.max(F.width, F.height) * 8;
    f = Math.min(Math.max(f, minW / view.w), maxW / view.w);
    view = { x: m.x - (m.x - view.x) * f, y: m.y - (m.y - view.y) * f, w: view.w * f, h: view.h * f };
    apply(live);
  }
  function zoomCentre(f) {
    const r = map.getBoundingClientRect();
    zoomAt(r.left + r.width / 2, r.top + r.height / 2, f);
  }

  // ---- scale bar -------------------------------------------------------
  const scaleEl = document.getElementById('scale');
  function nice(max) {
    const p = Math.pow(10, Math.floor(Math.log10(max)));
    for (const k of [5, 2, 1]) if (k * p <= max) return k * p;
    return p;
  }
  function drawScale() {
    const mpp = view.w / (map.clientWidth || 1);
    // Points shrink when zoomed out, so thousands of practices do not hide the footprints.
    document.body.classList.toggle('far', mpp > 250);
    document.body.classList.toggle('mid', mpp > 50 && mpp <= 250);
    const len = nice(120 * mpp);
    const px = len / mpp;
    const label = len >= 1000 ? `${len / 1000} km` : `${len} m`;
    scaleEl.innerHTML = `<div>${label}</div><div class="bar" style="width:${px.toFixed(1)}px"></div>`;
  }

  // ---- pan and zoom ------------------------------------------------------
  let drag = null;
  let moved = false;
  map.addEventListener('pointerdown', (e) => {
    if (e.button !== 0 || e.target.closest('#zoom')) return;
    drag = { x: e.clientX, y: e.clientY, v: { ...view } };
    moved = false;
    map.setPointerCapture(e.pointerId);
  });
  map.addEventListener('pointermove', (e) => {
    if (!drag) return;
    const dx = e.clientX - drag.x, dy = e.clientY - drag.y;
    if (!moved && Math.hypot(dx, dy) < 4) return;
    if (!moved) { moved = true; map.classList.add('dragging'); hideTip(); }
    const k = drag.v.w / (map.clientWidth || 1);
    view = { ...drag.v, x: drag.v.x - dx * k, y: drag.v.y - dy * k };
    apply('drag');
  });
  const endDrag = (e) => {
    if (!drag) return;
    map.releasePointerCapture(e.pointerId);
    map.classList.remove('dragging');
    const wasMoved = moved;
    drag = null;
    if (wasMoved) apply(false);
    else click(e);
  };
  map.addEventListener('pointerup', endDrag);
  map.addEventListener('pointercancel', endDrag);
  map.addEventListener('wheel', (e) => {
    e.preventDefault();
    const step = e.deltaMode === 1 ? e.deltaY * 16 : e.deltaY;
    zoomAt(e.clientX, e.clientY, Math.exp(step * 0.0015), 'wheel');
  }, { passive: false });
  map.addEventListener('dblclick', (e) => zoomAt(e.clientX, e.clientY, 0.5));
  document.getElementById('zin').addEventListener('click', () => zoomCentre(0.5));
  document.getElementById('zout').addEventListener('click', () => zoomCentre(2));
  document.getElementById('zhome').addEventListener('click', home);
  window.addEventListener('keydown', (e) => {
    if (e.target.tagName === 'INPUT' || e.target.tagName === 'SELECT') return;
    if (e.key === '+' || e.key === '=') zoomCentre(0.5);
    else if (e.key === '-') zoomCentre(2);
    else if (e.key === '0') home();
    else if (e.key === 'Escape') select(null);
  });
  window.addEventListener('resize', () => fit(view, 0));

  // ---- colouring -----------------------------------------------------------
  const fmt = {
    count: (v) => Math.round(v).toLocaleString('en-GB'),
    share: (v) => `${(v * 100).toFixed(1)}%`,
    min: (v) => `${v.toFixed(1)} min`,
    km2: (v) => `${v.toFixed(1)} km²`,
  };
  // The details panel rounds as pcn_summary.csv does: shares 4 places
  // (0–1), minutes 2, km² 3.
  const csv = {
    share: (v) => `${v.toFixed(4)} (${(v * 100).toFixed(2)} %)`,
    min: (v) => `${v.toFixed(2)} min`,
    km2: (v) => `${v.toFixed(3)} km²`,
  };
  let mode = 'finding';
  let classes = null; // metric classes: [{lo, hi, colour, n}]
  function metricClasses(m) {
    const vals = D.pcns.map((p) => p[m.key]).filter((v) => v !== null && v !== undefined).sort((a, b) => a - b);
    let breaks = m.breaks;
    if (!breaks) {
      breaks = [];
      for (let q = 1; q < m.ramp.length; q++) {
        const v = vals[Math.min(vals.length - 1, Math.floor((q * vals.length) / m.ramp.length))];
        if (v === undefined) continue;
        const r = Number(v.toPrecision(2));
        if (!breaks.length || r > breaks[breaks.length - 1]) breaks.push(r);
      }
    }
    const out = [];
    for (let i = 0; i <= breaks.length; i++) {
      out.push({ lo: i ? breaks[i - 1] : null, hi: i < breaks.length ? breaks[i] : null, colour: m.ramp[Math.min(i, m.ramp.length - 1)], n: 0 });
    }
    return out;
  }
  function classIndex(v) {
    for (let i = 0; i < classes.length; i++) if (classes[i].hi === null || v < classes[i].hi) return i;
    return classes.length - 1;
  }
  // ICBs (when the networks have them): a colour each, and a filter.
  const icbs = D.icbs || [];
  const icbColour = new Map(icbs.map((c) => [c.code, c.colour]));
  let icbShown = '';
  function colourOf(k) {
    const p = D.pcns[k];
    if (mode === 'icb') return icbColour.get(p.icb_code) || D.nodata;
    if (mode === 'finding') return classOf.get(p.findings.length ? p.findings[0][0] : 'NONE').colour;
    const v = p[mode];
    return v === null || v === undefined ? D.nodata : classes[classIndex(v)].colour;
  }
  function recolour() {
    const m = D.metrics.find((x) => x.key === mode);
    classes = m ? metricClasses(m) : null;
    if (classes) D.pcns.forEach((p) => { const v = p[mode]; if (v !== null && v !== undefined) classes[classIndex(v)].n++; });
    pcnEls.forEach((el) => {
      const k = +el.dataset.k;
      el.setAttribute('fill', colourOf(k));
      el.style.display = icbShown && D.pcns[k].icb_code !== icbShown ? 'none' : '';
      el.classList.toggle('dim', !!only && !hasCode(k, only));
    });
    drawLegend(m);
    showOverlays();
    if (window.pcnAtlas) redraw();
  }
  function drawLegend(m) {
    let h = '';
    if (mode === 'icb') {
      h = '<h2>Integrated care board</h2>';
      for (const c of icbs) h += `<div class="row"><span class="sw" style="background:${c.colour}"></span>${esc(c.code)} ${esc(c.name)}<span class="n">${c.count}</span></div>`;
      const none = D.pcns.filter((p) => !p.icb_code).length;
      if (none) h += `<div class="row"><span class="sw" style="background:${D.nodata}"></span>unknown<span class="n">${none}</span></div>`;
    } else if (!m) {
      h = '<h2>Worst finding per network</h2>';
      for (const c of D.classes) h += `<div class="row" data-class="${c.code}"><span class="sw" style="background:${c.colour}"></span>${c.label}<span class="n">${c.count}</span></div>`;
    } else {
      const f = fmt[m.format];
      h = `<h2>${m.label}</h2>`;
      for (const c of classes) {
        const label = c.lo === null ? `under ${f(c.hi)}` : c.hi === null ? `${f(c.lo)} or more` : `${f(c.lo)} – ${f(c.hi)}`;
        h += `<div class="row"><span class="sw" style="background:${c.colour}"></span>${label}<span class="n">${c.n}</span></div>`;
      }
      const none = D.pcns.filter((p) => p[m.key] === null || p[m.key] === undefined).length;
      if (none) h += `<div class="row"><span class="sw" style="background:${D.nodata}"></span>no value<span class="n">${none}</span></div>`;
      if (m.note) h += `<div class="hint">${m.note}</div>`;
    }
    h += overlayLegend();
    h += '<h2>Points</h2><div class="row"><svg width="18" height="14"><circle cx="9" cy="7" r="3" fill="#1f2933"/></svg>Practice</div>';
    if (D.drive) h += '<div class="row"><svg width="18" height="14"><rect x="4" y="2" width="10" height="10" fill="#ffd400" stroke="#1f2933"/></svg>Network hub</div><div class="row"><svg width="18" height="14"><line x1="1" y1="7" x2="17" y2="7" stroke="#243b53" stroke-width="2"/></svg>Hub-to-practice route</div>';
    legend.innerHTML = h;
  }
  const modeSel = document.getElementById('mode');
  modeSel.addEventListener('change', () => { mode = modeSel.value; recolour(); });

  // ---- details -------------------------------------------------------------
  const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
  function row(label, v, f) { return v === null || v === undefined ? '' : `<tr><td>${label}</td><td>${f ? f(v) : esc(v)}</td></tr>`; }
  function pcnHtml(k) {
    const p = D.pcns[k];
    let h = `<h2>${esc(p.code)} · ${esc(p.name)}</h2><table>`;
    h += row('Practices', p.practices) + row('Registered patients', p.list_size, fmt.count) + row('Resident population', p.resident_population, fmt.count);
    h += row('Population band', p.band) + row('Rural share', p.rural_share, csv.share) + row('Area', p.area_km2, csv.km2) + row('Pieces of footprint', p.components);
    if (D.drive) {
      h += row('Hub', p.hub ? `${p.hub_name || ''} (${p.hub})` : null) + row('Hub to farthest member', p.staff_max_min, csv.min) + row('Staff tour', p.staff_tour_min, csv.min);
      h += row("Patients' 90th percentile to hub", p.patients_p90_min_to_hub, csv.min) + row('Patients’ mean to their practice', p.patients_mean_min_to_practice, csv.min);
      h += row("Patients' median bus journey to hub", p.pt_median_min_to_hub, csv.min) + row('No bus journey to hub within 90 min', p.pt_share_no_journey_90_min_to_hub, csv.share);
    }
    h += '</table>';
    h += `<h3>Findings (${p.findings.length})</h3>`;
    if (!p.findings.length) h += '<p class="hint">No findings.</p>';
    for (const [code, detail] of p.findings) h += findingHtml(code, detail);
    if (p.members.length) {
      h += `<h3>Member practices (${p.members.length})</h3><table class="members">`;
      for (const [c, n, l] of p.members) h += `<tr><td>${esc(n)} <span class="code">${esc(c)}</span></td><td>${l === null ? 'no list size' : fmt.count(l)}</td></tr>`;
      h += '</table>';
    }
    return h;
  }
  function findingHtml(code, detail) {
    const c = codeOf.get(code) || { label: code, severity: '' };
    return `<div class="finding sev-${c.severity}" style="border-color:${c.colour || '#7b8794'}"><b>${esc(c.label)}</b> <span class="sev">${c.severity}</span><div>${esc(detail)}</div><span class="code">${esc(code)}</span></div>`;
  }
  function areaHtml(i) {
    const a = D.areas[i];
    let h = `<h2>Area ${esc(a.code)}${a.name ? ' · ' + esc(a.name) : ''}</h2>`;
    for (const [code, detail] of a.findings) h += findingHtml(code, detail);
    return h;
  }
  function pointHtml(i) {
    const p = D.points[i];
    let h = `<h2>${esc(p.code)} · ${esc(p.name)}</h2><table>`;
    const k0 = p.pcn ? byCode.get(p.pcn.toUpperCase()) : undefined;
    h += row(p.site ? 'Hub site of' : 'PCN', p.pcn ? `${p.pcn}${k0 !== undefined ? ' · ' + D.pcns[k0].name : ''}` : 'none') + row('Registered patients', p.list_size, fmt.count) + row('Network hub', p.hub ? 'yes' : null);
    h += '</table>';
    const k = p.pcn ? byCode.get(p.pcn.toUpperCase()) : undefined;
    if (k !== undefined) h += pcnHtml(k);
    return h;
  }
  let pinned = null; // {kind: 'pcn'|'point', i}
  function showInfo(t) {
    document.body.classList.toggle('pinned', !!pinned);
    if (!t) { info.innerHTML = '<p class="hint">Hover over or click a network, a practice or a hatched area for its details; search by code or name above.</p>'; return; }
    info.innerHTML = t.kind === 'pcn' ? pcnHtml(t.i) : t.kind === 'area' ? areaHtml(t.i) : pointHtml(t.i);
  }
  function select(t) {
    pinned = t;
    sel.innerHTML = '';
    if (t && t.kind === 'area') {
      const o = document.createElementNS('http://www.w3.org/2000/svg', 'path');
      o.setAttribute('d', areaEls[t.i].getAttribute('d'));
      sel.appendChild(o);
    } else if (t && t.kind === 'note') {
      const o = document.createElementNS('http://www.w3.org/2000/svg', 'path');
      o.setAttribute('d', `M${t.at[0]} ${t.at[1]}l0 0`);
      o.setAttribute('class', 'pt');
      sel.appendChild(o);
    } else if (t) {
      const k = t.kind === 'pcn' ? t.i : byCode.get((D.points[t.i].pcn || '').toUpperCase());
      if (k !== undefined) {
        const o = document.createElementNS('http://www.w3.org/2000/svg', 'path');
        o.setAttribute('d', pcnEls[k].getAttribute('d'));
        sel.appendChild(o);
      }
      if (t.kind === 'point') {
        const o = document.createElementNS('http://www.w3.org/2000/svg', 'path');
        o.setAttribute('d', ptEls[t.i].getAttribute('d'));
        o.setAttribute('class', 'pt');
        sel.appendChild(o);
      }
    }
    if (t && t.kind === 'note') { info.innerHTML = findingHtml(t.code, t.detail); return; }
    showInfo(t);
  }
  function targetOf(el) {
    if (!el || !el.dataset) return null;
    if (el.dataset.a !== undefined) return { kind: 'area', i: +el.dataset.a };
    if (el.dataset.k !== undefined && el.parentNode.id === 'pcns') return { kind: 'pcn', i: +el.dataset.k };
    if (el.dataset.i !== undefined) return { kind: 'point', i: +el.dataset.i };
    return null;
  }
  function click(e) {
    select(targetOf(document.elementFromPoint(e.clientX, e.clientY)));
  }
  function hideTip() { tip.style.display = 'none'; }
  svg.addEventListener('mousemove', (e) => {
    if (drag && moved) return;
    const t = targetOf(e.target);
    if (!t) { hideTip(); if (!pinned) showInfo(null); return; }
    let h;
    if (t.kind === 'pcn') {
      const p = D.pcns[t.i];
      const m = D.metrics.find((x) => x.key === mode);
      const codes = [...new Set(p.findings.map((f) => f[0]))];
      h = `<b>${esc(p.code)}</b> ${esc(p.name)}<br>${codes.length ? codes.map((c) => esc(label(c))).join(' · ') : 'No findings'}`;
      if (m) h += `<br>${m.label}: ${p[m.key] === null || p[m.key] === undefined ? 'no value' : (csv[m.format] || fmt[m.format])(p[m.key])}`;
    } else if (t.kind === 'area') {
      const a = D.areas[t.i];
      h = `<b>${esc(a.code)}</b> ${esc(a.name || '')}<br>${a.findings.map((f) => esc(label(f[0]))).join('<br>')}`;
    } else {
      const p = D.points[t.i];
      h = `<b>${esc(p.code)}</b> ${esc(p.name)}<br>${p.site ? 'hub site' : 'practice'} in ${esc(p.pcn || 'no PCN')}${p.hub ? ' · hub' : ''}`;
    }
    tip.innerHTML = h;
    const r = map.getBoundingClientRect();
    const x = e.clientX - r.left + 14, y = e.clientY - r.top + 14;
    tip.style.display = 'block';
    tip.style.left = `${Math.min(x, r.width - tip.offsetWidth - 4)}px`;
    tip.style.top = `${Math.min(y, r.height - tip.offsetHeight - 4)}px`;
    if (!pinned) showInfo(t);
  });
  svg.addEventListener('mouseleave', hideTip);

  // ---- search ----------------------------------------------------------------
  const search = document.getElementById('search');
  function find(q) {
    q = q.trim();
    if (!q) return null;
    const u = q.split(' · ')[0].trim().toUpperCase();
    if (byCode.has(u)) return { kind: 'pcn', i: byCode.get(u) };
    if (ptByCode.has(u)) return { kind: 'point', i: ptByCode.get(u) };
    if (areaByCode.has(u)) return { kind: 'area', i: areaByCode.get(u) };
    const l = q.toLowerCase();
    let k = D.pcns.findIndex((p) => p.name.toLowerCase().includes(l));
    if (k >= 0) return { kind: 'pcn', i: k };
    k = D.points.findIndex((p) => p.name.toLowerCase().includes(l));
    if (k >= 0) return { kind: 'point', i: k };
    return null;
  }
  function zoomTo(t) {
    if (t.kind === 'pcn' || t.kind === 'area') {
      const b = (t.kind === 'pcn' ? pcnEls : areaEls)[t.i].getBBox();
      if (b.width || b.height) fit({ x: b.x, y: b.y, w: b.width, h: b.height }, 0.15);
    } else {
      const b = t.kind === 'note' ? { x: t.at[0], y: t.at[1] } : ptEls[t.i].getBBox();
      const w = Math.max(3000, Math.min(F.width, F.height) / 20);
      fit({ x: b.x - w / 2, y: b.y - w / 2, w, h: w }, 0);
    }
  }
  function go() {
    const t = find(search.value);
    if (!t) { status.textContent = `no network, practice or area matches “${search.value}”`; return; }
    status.textContent = '';
    zoomTo(t);
    select(t);
  }
  search.addEventListener('keydown', (e) => { if (e.key === 'Enter') go(); });
  search.addEventListener('change', go);

  // ---- projection (for tests and tools): WGS84 lon/lat -> BNG -> screen -----
  function toBng(lon, lat) {
    const d = Math.PI / 180;
    let a = 6378137, b = 6356752.314245, e2 = 1 - (b * b) / (a * a);
    const ph0 = lat * d, la0 = lon * d;
    let nu = a / Math.sqrt(1 - e2 * Math.sin(ph0) ** 2);
    const x = nu * Math.cos(ph0) * Math.cos(la0), y = nu * Math.cos(ph0) * Math.sin(la0), z = (1 - e2) * nu * Math.sin(ph0);
    const s = 20.4894e-6, rx = (-0.1502 / 3600) * d, ry = (-0.247 / 3600) * d, rz = (-0.8421 / 3600) * d;
    const x2 = -446.448 + (1 + s) * x - rz * y + ry * z;
    const y2 = 125.157 + rz * x + (1 + s) * y - rx * z;
    const z2 = -542.06 - ry * x + rx * y + (1 + s) * z;
    a = 6377563.396; b = 6356256.909; e2 = 1 - (b * b) / (a * a);
    const p = Math.hypot(x2, y2);
    let ph = Math.atan2(z2, p * (1 - e2));
    for (let i = 0; i < 12; i++) { nu = a / Math.sqrt(1 - e2 * Math.sin(ph) ** 2); ph = Math.atan2(z2 + e2 * nu * Math.sin(ph), p); }
    const la = Math.atan2(y2, x2);
    const F0 = 0.9996012717, phi0 = 49 * d, lam0 = -2 * d, n = (a - b) / (a + b);
    const sp = Math.sin(ph), cp = Math.cos(ph), tp = Math.tan(ph);
    nu = (a * F0) / Math.sqrt(1 - e2 * sp * sp);
    const rho = (a * F0 * (1 - e2)) / Math.pow(1 - e2 * sp * sp, 1.5);
    const eta2 = nu / rho - 1;
    const dp = ph - phi0, ss = ph + phi0;
    const M = b * F0 * ((1 + n + 1.25 * n * n + 1.25 * n ** 3) * dp - (3 * n + 3 * n * n + (21 / 8) * n ** 3) * Math.sin(dp) * Math.cos(ss)
      + ((15 / 8) * n * n + (15 / 8) * n ** 3) * Math.sin(2 * dp) * Math.cos(2 * ss) - (35 / 24) * n ** 3 * Math.sin(3 * dp) * Math.cos(3 * ss));
    const I = M - 100000, II = (nu / 2) * sp * cp, III = (nu / 24) * sp * cp ** 3 * (5 - tp * tp + 9 * eta2);
    const IIIA = (nu / 720) * sp * cp ** 5 * (61 - 58 * tp * tp + tp ** 4), IV = nu * cp, V = (nu / 6) * cp ** 3 * (nu / rho - tp * tp);
    const VI = (nu / 120) * cp ** 5 * (5 - 18 * tp * tp + tp ** 4 + 14 * eta2 - 58 * tp * tp * eta2);
    const dl = la - lam0;
    return [400000 + IV * dl + V * dl ** 3 + VI * dl ** 5, I + II * dl * dl + III * dl ** 4 + IIIA * dl ** 6];
  }
  function bngToScreen(e, n) {
    const r = map.getBoundingClientRect();
    const mx = e - F.x0, my = F.y1 - n;
    return { x: r.left + ((mx - view.x) / view.w) * r.width, y: r.top + ((my - view.y) / view.h) * r.height };
  }
  window.pcnAtlas = {
    toBng,
    bngToScreen,
    toScreen: (lon, lat) => { const [e, n] = toBng(lon, lat); return bngToScreen(e, n); },
    colour: (code) => { const k = byCode.get(code.toUpperCase()); return k === undefined ? null : colourOf(k); },
    classColour: (code) => (classOf.get(code) || {}).colour,
    search: (q) => { search.value = q; go(); return pinned; },
    view: () => ({ ...view }),
    // The networks the page marks for a finding code: those with an overlay
    // of the code's family that is shown, and that stay lit when the page
    // shows only networks with the code.
    marked: (code) => {
      const prev = only;
      only = code; onlySel.value = code; recolour();
      const lit = pcnEls.filter((el) => !el.classList.contains('dim') && el.style.display !== 'none').map((el) => D.pcns[+el.dataset.k].code);
      const ov = ovEls.filter((o) => o.style.display !== 'none' && o.dataset.codes.split(' ').includes(code)).map((o) => D.pcns[+o.dataset.k].code);
      only = prev; onlySel.value = prev; recolour();
      return { lit, overlaid: [...new Set(ov)] };
    },
    tileError: () => tileError,
    ready: false,
  };

  // ---- every finding: an overlay per family, the layer list, the filter ----
  // Each network keeps one fill (Colour by); every family of findings it has
  // is drawn on top: hatching (footprint rules), a dashed outline (band),
  // dots (drive times), a thick border in the colour of its worst rural code
  // (rural access).
  const FAMILIES = ['rural', 'band', 'footprint', 'drive'];
  const RURAL_WIDTH = { RURAL_ACCESS_RISK: 9, RURAL_WAIVER_CANDIDATE: 5, RURAL: 2.5 };
  const codesOf = D.pcns.map((p) => new Set(p.findings.map((f) => f[0])));
  const hasCode = (k, code) => codesOf[k].has(code);
  const on = new Set(D.layers.map((l) => l.code));
  let only = '';
  let areasOn = true;
  const ovGroup = document.getElementById('overlays');
  const ovEls = [];
  D.pcns.forEach((p, k) => {
    const d = pcnEls[k].getAttribute('d');
    if (!d) return;
    for (const fam of FAMILIES) {
      const codes = [...codesOf[k]].filter((c) => (codeOf.get(c) || {}).family === fam);
      if (!codes.length) continue;
      const o = document.createElementNS('http://www.w3.org/2000/svg', 'path');
      o.setAttribute('d', d);
      o.setAttribute('class', `ov ov-${fam}`);
      o.dataset.k = k;
      o.dataset.codes = codes.join(' ');
      if (fam === 'rural') {
        const worst = p.findings.map((f) => f[0]).find((c) => codes.includes(c));
        o.style.stroke = codeOf.get(worst).colour;
        o.style.setProperty('--w', `${RURAL_WIDTH[worst] || 3}px`);
      }
      ovGroup.appendChild(o);
      ovEls.push(o);
    }
  });
  function showOverlays() {
    for (const o of ovEls) {
      const k = +o.dataset.k;
      const el = pcnEls[k];
      const shown = el.style.display !== 'none' && !el.classList.contains('dim') && o.dataset.codes.split(' ').some((c) => on.has(c));
      o.style.display = shown ? '' : 'none';
    }
    document.getElementById('areas').style.display = areasOn ? '' : 'none';
  }
  const SWATCH = {
    footprint: '<svg width="18" height="14"><rect x="0.5" y="0.5" width="17" height="13" fill="#fff" stroke="#52606d"/><path d="M-2 12 L8 2 M4 16 L16 4 M10 18 L20 8" stroke="#1f2933" stroke-width="2"/></svg>',
    band: '<svg width="18" height="14"><rect x="1.5" y="1.5" width="15" height="11" fill="#fff" stroke="#1f2933" stroke-width="2.2" stroke-dasharray="4 2.5"/></svg>',
    drive: '<svg width="18" height="14"><rect x="0.5" y="0.5" width="17" height="13" fill="#fff" stroke="#52606d"/><circle cx="5" cy="5" r="1.6"/><circle cx="12" cy="5" r="1.6"/><circle cx="5" cy="10" r="1.6"/><circle cx="12" cy="10" r="1.6"/></svg>',
    area: '<svg width="18" height="14"><rect x="0.5" y="0.5" width="17" height="13" fill="#fff" stroke="#b00020"/><path d="M-2 2 L10 14 M4 -2 L18 12 M10 -2 L20 8" stroke="#b00020" stroke-width="2"/></svg>',
  };
  function swatch(code) {
    const c = codeOf.get(code);
    if (c.family === 'rural') return `<svg width="18" height="14"><rect x="2" y="2" width="14" height="10" fill="#fff" stroke="${c.colour}" stroke-width="${Math.min(4, (RURAL_WIDTH[code] || 3) * 0.6)}"/></svg>`;
    return SWATCH[c.family] || '';
  }
  function overlayLegend() {
    let h = '<h2>Drawn on top</h2>';
    h += `<div class="row">${SWATCH.footprint}Footprint rules (hatched)</div>`;
    h += `<div class="row">${SWATCH.band}Population band (dashed outline)</div>`;
    h += `<div class="row">${SWATCH.drive}Drive times (dotted)</div>`;
    h += `<div class="row"><svg width="18" height="14"><rect x="2" y="2" width="14" height="10" fill="#fff" stroke="#52606d" stroke-width="4"/></svg>Rural access (thick border, its colour)</div>`;
    h += '<div class="row"><svg width="18" height="14"><circle cx="9" cy="7" r="6.5" fill="#102a43"/><text x="9" y="10.5" font-size="9.5" fill="#fff" text-anchor="middle">3</text></svg>Number of findings (zoom in)</div>';
    return h;
  }
  function drawLayers() {
    let h = '<h2>Findings <span class="hint">(networks with each)</span></h2>';
    for (const l of D.layers) {
      const c = codeOf.get(l.code);
      h += `<label class="row layer"><input type="checkbox" data-code="${l.code}"${on.has(l.code) ? ' checked' : ''}>${swatch(l.code)}<span>${esc(c.label)} <span class="sev">${c.severity}</span></span><span class="n" data-count="${l.code}">${l.networks}</span></label>`;
    }
    if (!D.layers.length) h += '<p class="hint">No network has a finding.</p>';
    if (D.areas.length) {
      const n = new Map();
      for (const a of D.areas) for (const [c] of a.findings) n.set(c, (n.get(c) || 0) + 1);
      h += '<h2>Coverage gaps <span class="hint">(areas)</span></h2>';
      h += `<label class="row layer"><input type="checkbox" id="areas-on"${areasOn ? ' checked' : ''}>${SWATCH.area}<span>Show hatched areas</span><span class="n">${D.areas.length}</span></label>`;
      for (const [c, k] of n) h += `<div class="row sub">${esc(label(c))}<span class="n" data-area-count="${c}">${k}</span></div>`;
    }
    const el = document.getElementById('layers');
    el.innerHTML = h;
    el.querySelectorAll('input[data-code]').forEach((i) => i.addEventListener('change', () => {
      if (i.checked) on.add(i.dataset.code); else on.delete(i.dataset.code);
      showOverlays();
      redraw();
    }));
    const a = document.getElementById('areas-on');
    if (a) a.addEventListener('change', () => { areasOn = a.checked; showOverlays(); });
  }
  const onlySel = document.getElementById('only');
  for (const l of D.layers) {
    const o = document.createElement('option');
    o.value = l.code;
    o.textContent = `${label(l.code)} (${l.networks})`;
    onlySel.appendChild(o);
  }
  onlySel.addEventListener('change', () => { only = onlySel.value; recolour(); });

  // ---- dataset findings (not about one network) -------------------------------
  function drawNotes() {
    const el = document.getElementById('notes');
    if (!D.notes.length) { el.innerHTML = '<h2>Dataset findings</h2><p class="hint">None.</p>'; return; }
    const groups = new Map();
    D.notes.forEach((n, i) => { if (!groups.has(n.code)) groups.set(n.code, []); groups.get(n.code).push(i); });
    const SHOW = 200;
    let h = `<h2>Dataset findings (${D.notes.length})</h2>`;
    for (const [code, list] of groups) {
      const c = codeOf.get(code) || { label: code, severity: '' };
      h += `<details class="notes" data-code="${code}"><summary>${esc(c.label)} <span class="sev">${c.severity}</span><span class="n">${list.length}</span></summary><ul>`;
      for (const i of list.slice(0, SHOW)) {
        const n = D.notes[i];
        h += `<li><b>${esc(n.subject)}</b> ${esc(n.detail)}${n.at ? ` <a href="#" data-note="${i}">zoom to it</a>` : ''}</li>`;
      }
      if (list.length > SHOW) h += `<li class="hint">… and ${list.length - SHOW} more in findings.csv</li>`;
      h += '</ul></details>';
    }
    el.innerHTML = h;
    el.addEventListener('click', (e) => {
      const a = e.target.closest('a[data-note]');
      if (!a) return;
      e.preventDefault();
      const n = D.notes[+a.dataset.note];
      const ai = areaByCode.get(n.subject.toUpperCase());
      const pi = ptByCode.get(n.subject.toUpperCase());
      const t = ai !== undefined ? { kind: 'area', i: ai } : pi !== undefined ? { kind: 'point', i: pi } : { kind: 'note', at: n.at, code: n.code, detail: `${n.subject}: ${n.detail}` };
      zoomTo(t);
      select(t);
    });
  }

  // ---- labels: PCN names with a findings badge, place names -------------------
  // Drawn after every zoom, in screen pixels, greedily by priority (cities,
  // networks, towns, villages) and never over an earlier label.
  const labelsEl = document.getElementById('labels');
  const NS = 'http://www.w3.org/2000/svg';
  const pcnBox = pcnEls.map((el) => { try { const b = el.getBBox(); return b.width || b.height ? b : null; } catch (e) { return null; } });
  function textEl(x, y, str, cls) {
    const t = document.createElementNS(NS, 'text');
    t.setAttribute('x', x); t.setAttribute('y', y);
    if (cls) t.setAttribute('class', cls);
    t.textContent = str;
    return t;
  }
  function pcnSubline(k) {
    // The worst finding of each family other than the fill's own class, warnings and errors first.
    const p = D.pcns[k];
    const fill = mode === 'finding' && p.findings.length ? p.findings[0][0] : null;
    const seen = new Set(), out = [];
    for (const [c] of p.findings) {
      const i = codeOf.get(c);
      if (!i || !on.has(c) || seen.has(i.family) || c === 'RURAL') continue;
      seen.add(i.family);
      if (c !== fill) out.push(i);
    }
    // Rural access risk sums up the others (rural and a drive-time finding): first.
    const rank = (i) => (i.code === 'RURAL_ACCESS_RISK' ? 0 : i.severity === 'info' ? 2 : 1);
    out.sort((a, b) => rank(a) - rank(b));
    return out.map((i) => i.label).join(' · ');
  }
  function redraw() {
    const W = map.clientWidth || 1;
    const mpp = view.w / W;
    document.querySelectorAll('.pat').forEach((pt) => pt.setAttribute('patternTransform', `scale(${mpp}) rotate(${pt.id === 'pat-area' ? -45 : pt.id === 'pat-drive' ? 0 : 45})`));
    drawTiles(mpp);
    labelsEl.textContent = '';
    const boxes = [];
    const free = (b) => !boxes.some((o) => b[0] < o[2] && b[2] > o[0] && b[1] < o[3] && b[3] > o[1]);
    const inView = (x, y) => x >= view.x && x <= view.x + view.w && y >= view.y && y <= view.y + view.h;
    const want = [];
    D.places.forEach((pl, i) => {
      const [, kind, x, y] = pl;
      if (kind === 1 && mpp > 200) return;
      if (kind === 2 && mpp > 30) return;
      if (inView(x, y)) want.push({ rank: kind === 0 ? 0 : kind + 1, pop: pl[4], name: pl[0], i, x, y, place: kind });
    });
    D.pcns.forEach((p, k) => {
      const b = pcnBox[k], at = D.label_at[k];
      if (!b || !at || pcnEls[k].style.display === 'none' || pcnEls[k].classList.contains('dim')) return;
      if (b.width / mpp < 70 || !inView(at[0], at[1])) return;
      want.push({ rank: 1, pop: p.list_size, name: p.name, k, x: at[0], y: at[1] });
    });
    want.sort((a, b) => a.rank - b.rank || b.pop - a.pop || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    let drawn = 0;
    for (const w of want) {
      if (drawn > 400) break;
      const sx = (w.x - view.x) / mpp, sy = (w.y - view.y) / mpp;
      const g = document.createElementNS(NS, 'g');
      g.setAttribute('transform', `translate(${w.x} ${w.y}) scale(${mpp})`);
      let box;
      if (w.k === undefined) {
        const fs = [15, 13, 11][w.place];
        const wpx = w.name.length * fs * 0.56 + 8;
        box = [sx - wpx / 2, sy - fs - 2, sx + wpx / 2, sy + 4];
        if (!free(box)) continue;
        g.setAttribute('class', `place place-${['city', 'town', 'village'][w.place]}`);
        const dot = document.createElementNS(NS, 'circle');
        dot.setAttribute('r', w.place === 0 ? 3 : 2);
        g.appendChild(dot);
        g.appendChild(textEl(0, -5, w.name));
      } else {
        const p = D.pcns[w.k];
        const sub = pcnSubline(w.k);
        const n = p.findings.length;
        g.setAttribute('class', 'pcn-label');
        g.dataset.k = w.k;
        const t = textEl(n ? -11 : 0, 0, p.name, 'name');
        g.appendChild(t);
        labelsEl.appendChild(g);
        const tw = t.getComputedTextLength();
        const st = sub ? textEl(0, 14, sub, 'sub') : null;
        if (st) g.appendChild(st);
        const sw = st ? st.getComputedTextLength() : 0;
        const wpx = Math.max(tw + (n ? 22 : 0), sw) + 6;
        box = [sx - wpx / 2, sy - 13, sx + wpx / 2, sy + (sub ? 18 : 5)];
        if (!free(box)) { g.remove(); continue; }
        if (n) {
          const bx = tw / 2 - 11 + 12;
          const c = document.createElementNS(NS, 'circle');
          c.setAttribute('cx', bx); c.setAttribute('cy', -4); c.setAttribute('r', 8.5);
          c.setAttribute('class', 'badge');
          g.appendChild(c);
          g.appendChild(textEl(bx, -0.5, String(n), 'badge-n'));
        }
      }
      boxes.push(box);
      labelsEl.appendChild(g);
      drawn++;
    }
  }

  // ---- optional basemap (--basemap): Web Mercator tiles placed in BNG ----------
  // Each tile is drawn as an image under an affine transform through the
  // projected positions of three of its corners; the fourth corner's error is
  // kept in pcnAtlas.tileError (pixels of a 256-pixel tile) so tests and
  // users can see the fit.
  const tilesEl = document.getElementById('tiles');
  let tileError = 0;
  function fromBng(e, n) {
    // Newton's method on toBng, from the middle of Great Britain.
    let lon = -2, lat = 54;
    for (let i = 0; i < 8; i++) {
      const [e0, n0] = toBng(lon, lat);
      const [e1, n1] = toBng(lon + 1e-4, lat);
      const [e2, n2] = toBng(lon, lat + 1e-4);
      const a = (e1 - e0) / 1e-4, b = (e2 - e0) / 1e-4, c = (n1 - n0) / 1e-4, d = (n2 - n0) / 1e-4;
      const det = a * d - b * c, de = e - e0, dn = n - n0;
      lon += (d * de - b * dn) / det;
      lat += (a * dn - c * de) / det;
    }
    return [lon, lat];
  }
  const tileLon = (x, z) => (x / 2 ** z) * 360 - 180;
  const tileLat = (y, z) => (Math.atan(Math.sinh(Math.PI * (1 - (2 * y) / 2 ** z))) * 180) / Math.PI;
  const mapXY = (lon, lat) => { const [e, n] = toBng(lon, lat); return [e - F.x0, F.y1 - n]; };
  let tileKey = '';
  function drawTiles(mpp) {
    if (!D.basemap) return;
    const c = fromBng(F.x0 + view.x + view.w / 2, F.y1 - view.y - view.h / 2);
    const z = Math.max(0, Math.min(19, Math.round(Math.log2((40075016 * Math.cos((c[1] * Math.PI) / 180)) / (256 * mpp)))));
    const corners = [[view.x, view.y], [view.x + view.w, view.y], [view.x, view.y + view.h], [view.x + view.w, view.y + view.h]]
      .map(([x, y]) => fromBng(F.x0 + x, F.y1 - y));
    const lons = corners.map((q) => q[0]), lats = corners.map((q) => q[1]);
    const tx = (lon) => Math.floor(((lon + 180) / 360) * 2 ** z);
    const ty = (lat) => { const r = (lat * Math.PI) / 180; return Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * 2 ** z); };
    const x0 = tx(Math.min(...lons)), x1 = tx(Math.max(...lons)), y0 = ty(Math.max(...lats)), y1 = ty(Math.min(...lats));
    const key = `${z}/${x0}/${x1}/${y0}/${y1}`;
    if (key === tileKey) return;
    tileKey = key;
    tilesEl.textContent = '';
    if ((x1 - x0 + 1) * (y1 - y0 + 1) > 150) return;
    tileError = 0;
    for (let x = x0; x <= x1; x++) for (let y = y0; y <= y1; y++) {
      const nw = mapXY(tileLon(x, z), tileLat(y, z));
      const ne = mapXY(tileLon(x + 1, z), tileLat(y, z));
      const sw = mapXY(tileLon(x, z), tileLat(y + 1, z));
      const se = mapXY(tileLon(x + 1, z), tileLat(y + 1, z));
      // In pixels of the tile (256 across).
      tileError = Math.max(tileError, (256 * Math.hypot(ne[0] + sw[0] - nw[0] - se[0], ne[1] + sw[1] - nw[1] - se[1])) / Math.hypot(ne[0] - nw[0], ne[1] - nw[1]));
      const img = document.createElementNS(NS, 'image');
      img.setAttribute('href', D.basemap.replace('{z}', z).replace('{x}', x).replace('{y}', y).replace('{s}', 'abc'[(x + y) % 3]));
      img.setAttribute('width', 1); img.setAttribute('height', 1);
      img.setAttribute('preserveAspectRatio', 'none');
      img.setAttribute('transform', `matrix(${ne[0] - nw[0]} ${ne[1] - nw[1]} ${sw[0] - nw[0]} ${sw[1] - nw[1]} ${nw[0]} ${nw[1]})`);
      tilesEl.appendChild(img);
    }
  }

  // ---- start -------------------------------------------------------------
  for (const m of D.metrics) {
    const o = document.createElement('option');
    o.value = m.key;
    o.textContent = m.label + (m.available ? '' : ' (run analyse)');
    o.disabled = !m.available;
    modeSel.appendChild(o);
  }
  if (icbs.length) {
    const o = document.createElement('option');
    o.value = 'icb';
    o.textContent = 'ICB';
    modeSel.appendChild(o);
    const label = document.createElement('label');
    label.textContent = 'ICB ';
    const f = document.createElement('select');
    f.id = 'icb';
    f.innerHTML = '<option value="">all</option>' + icbs.map((c) => `<option value="${esc(c.code)}">${esc(c.code)} ${esc(c.name)}</option>`).join('');
    f.addEventListener('change', () => { icbShown = f.value; recolour(); });
    label.appendChild(f);
    modeSel.parentNode.after(label);
  }
  const dl = document.getElementById('codes');
  const opts = [];
  for (const p of D.pcns) opts.push(`<option value="${esc(p.code)} · ${esc(p.name)}"></option>`);
  for (const p of D.points) opts.push(`<option value="${esc(p.code)} · ${esc(p.name)}"></option>`);
  for (const a of D.areas) opts.push(`<option value="${esc(a.code)} · ${esc(a.findings.map((f) => label(f[0])).join(', '))}"></option>`);
  dl.innerHTML = opts.join('');
  if (D.basemap) {
    document.body.classList.add('basemap');
    let host = D.basemap;
    try { host = new URL(D.basemap.replace(/[{}]/g, '')).host; } catch (e) { /* keep the template */ }
    const osm = /openstreetmap/i.test(host) ? '© OpenStreetMap contributors' : 'see its provider’s terms';
    document.getElementById('attr').insertAdjacentText('beforeend', ` · basemap tiles: ${host} (${osm})`);
  }
  drawLayers();
  drawNotes();
  recolour();
  showInfo(null);
  home();
  requestAnimationFrame(() => requestAnimationFrame(() => { window.pcnAtlas.ready = true; }));
})();
