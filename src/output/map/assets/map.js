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
      el.setAttribute('fill', colourOf(+el.dataset.k));
      el.style.display = icbShown && D.pcns[+el.dataset.k].icb_code !== icbShown ? 'none' : '';
    });
    drawLegend(m);
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
    h += row('Population band', p.band) + row('Rural share', p.rural_share, fmt.share) + row('Area', p.area_km2, fmt.km2) + row('Pieces of footprint', p.components);
    if (D.drive) {
      h += row('Hub', p.hub) + row('Hub to farthest member', p.staff_max_min, fmt.min) + row('Staff tour', p.staff_tour_min, fmt.min);
      h += row("Patients' 90th percentile to hub", p.patients_p90_min_to_hub, fmt.min) + row('Patients’ mean to their practice', p.patients_mean_min_to_practice, fmt.min);
    }
    h += '</table>';
    if (!p.findings.length) h += '<p class="hint">No findings.</p>';
    for (const [code, detail] of p.findings) {
      const c = classOf.get(code);
      h += `<div class="finding" style="border-color:${c ? c.colour : '#999'}"><b>${esc(code)}</b>${esc(detail)}</div>`;
    }
    return h;
  }
  function pointHtml(i) {
    const p = D.points[i];
    let h = `<h2>${esc(p.code)} · ${esc(p.name)}</h2><table>`;
    h += row(p.site ? 'Hub site of' : 'PCN', p.pcn || 'none') + row('Registered patients', p.list_size, fmt.count) + row('Network hub', p.hub ? 'yes' : null);
    h += '</table>';
    const k = p.pcn ? byCode.get(p.pcn.toUpperCase()) : undefined;
    if (k !== undefined) h += pcnHtml(k);
    return h;
  }
  let pinned = null; // {kind: 'pcn'|'point', i}
  function showInfo(t) {
    if (!t) { info.innerHTML = '<p class="hint">Hover over or click a network or a practice for its details; search by code or name above.</p>'; return; }
    info.innerHTML = t.kind === 'pcn' ? pcnHtml(t.i) : pointHtml(t.i);
  }
  function select(t) {
    pinned = t;
    sel.innerHTML = '';
    if (t) {
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
    showInfo(t);
  }
  function targetOf(el) {
    if (!el || !el.dataset) return null;
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
      const worst = p.findings.length ? classOf.get(p.findings[0][0]).label : 'No findings';
      const m = D.metrics.find((x) => x.key === mode);
      h = `<b>${esc(p.code)}</b> ${esc(p.name)}<br>${esc(worst)}`;
      if (m) h += `<br>${m.label}: ${p[m.key] === null || p[m.key] === undefined ? 'no value' : fmt[m.format](p[m.key])}`;
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
    const l = q.toLowerCase();
    let k = D.pcns.findIndex((p) => p.name.toLowerCase().includes(l));
    if (k >= 0) return { kind: 'pcn', i: k };
    k = D.points.findIndex((p) => p.name.toLowerCase().includes(l));
    if (k >= 0) return { kind: 'point', i: k };
    return null;
  }
  function zoomTo(t) {
    if (t.kind === 'pcn') {
      const b = pcnEls[t.i].getBBox();
      if (b.width || b.height) fit({ x: b.x, y: b.y, w: b.width, h: b.height }, 0.15);
    } else {
      const b = ptEls[t.i].getBBox();
      const w = Math.max(3000, Math.min(F.width, F.height) / 20);
      fit({ x: b.x - w / 2, y: b.y - w / 2, w, h: w }, 0);
    }
  }
  function go() {
    const t = find(search.value);
    if (!t) { status.textContent = `no network or practice matches “${search.value}”`; return; }
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
    ready: false,
  };

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
  dl.innerHTML = opts.join('');
  recolour();
  showInfo(null);
  home();
  requestAnimationFrame(() => requestAnimationFrame(() => { window.pcnAtlas.ready = true; }));
})();
