// Opens each output folder's map.html in headless Chromium and checks what
// a person would see: footprints drawn in the colour of their worst finding
// at places worked out from pcns.geojson (not from the page), the
// background where there is no footprint, hover and search showing the
// right network, colouring by a metric, no console error and no network
// request (or, when the map has a --basemap, requests only for its tiles).
// Every finding: for each network finding code in findings.csv, the
// networks the page marks (its overlays and its "show only" filter) are
// exactly those findings.csv names, and the layer list counts them; hub
// markers are at least 8 px across at 1366×768; every coverage-gap area is
// drawn and found by searching its code; dataset findings are listed.
// Prints load and pan timings (measured, never asserted).
//
// Usage: node tests/browser/map.test.mjs OUT_DIR [OUT_DIR ...]
//   env CHROMIUM (default /usr/bin/chromium), SCREENSHOT_DIR (optional:
//   where to save screenshots of each map at 1366×768 and 1920×1080, named
//   after its folder), SCREENSHOT_PIN (optional: a network code to pin in
//   those screenshots).
// Exit codes: 0 passed, 1 a check failed, 77 no browser (skipped).

import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { chromium } from 'playwright-core';

const exe = process.env.CHROMIUM || '/usr/bin/chromium';
if (!fs.existsSync(exe)) {
  console.log(`SKIP map browser test: no Chromium at ${exe} (install Debian's chromium, or set CHROMIUM)`);
  process.exit(77);
}
const dirs = process.argv.slice(2);
if (!dirs.length) {
  console.error('usage: node map.test.mjs OUT_DIR [OUT_DIR ...]');
  process.exit(2);
}

// The order of severity the map promises (docs/output.md, src/findings.rs Code::MAP_ORDER).
const SEVERITY = ['NO_FOOTPRINT', 'NON_CONTIGUOUS', 'POPULATION_BELOW_BAND', 'POPULATION_ABOVE_BAND',
  'PRACTICE_OUTSIDE_FOOTPRINT', 'HUB_IMPRACTICAL', 'SHARED_ROLE_IMPRACTICAL', 'PATIENT_ACCESS_BURDEN',
  'RURAL_ACCESS_RISK', 'RURAL_WAIVER_CANDIDATE', 'RURAL'];
const BACKGROUND = [0xd8, 0xe3, 0xea];

let failures = 0;
function check(ok, what) {
  if (ok) console.log(`  ok   ${what}`);
  else { failures++; console.log(`  FAIL ${what}`); }
}

// ---- a small PNG decoder (8-bit RGB/RGBA, not interlaced: what Chromium writes) ----
function decodePng(buf) {
  let pos = 8, width = 0, height = 0, type = 0;
  const idat = [];
  while (pos < buf.length) {
    const len = buf.readUInt32BE(pos);
    const kind = buf.toString('ascii', pos + 4, pos + 8);
    const data = buf.subarray(pos + 8, pos + 8 + len);
    if (kind === 'IHDR') {
      width = data.readUInt32BE(0); height = data.readUInt32BE(4); type = data[9];
      if (data[8] !== 8 || data[12] !== 0 || (type !== 2 && type !== 6)) throw new Error('unsupported PNG');
    } else if (kind === 'IDAT') idat.push(data);
    pos += 12 + len;
  }
  const bpp = type === 6 ? 4 : 3;
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const stride = width * bpp;
  const px = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? px[y * stride + x - bpp] : 0;
      const b = y ? px[(y - 1) * stride + x] : 0;
      const c = x >= bpp && y ? px[(y - 1) * stride + x - bpp] : 0;
      let v = line[x];
      if (f === 1) v += a;
      else if (f === 2) v += b;
      else if (f === 3) v += (a + b) >> 1;
      else if (f === 4) { const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c); v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c; }
      px[y * stride + x] = v & 255;
    }
  }
  return { width, height, at: (x, y) => { const i = Math.round(y) * stride + Math.round(x) * bpp; return [px[i], px[i + 1], px[i + 2]]; } };
}
const hex = (h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16));
const near = (p, q, tol = 12) => Math.abs(p[0] - q[0]) <= tol && Math.abs(p[1] - q[1]) <= tol && Math.abs(p[2] - q[2]) <= tol;
// Share of pixels of a (2r+1)² square around (x, y) close to `want`.
function shareNear(img, x, y, want, r = 3) {
  let n = 0, k = 0;
  for (let dy = -r; dy <= r; dy++) for (let dx = -r; dx <= r; dx++) { n++; if (near(img.at(x + dx, y + dy), want)) k++; }
  return k / n;
}

// ---- geometry from pcns.geojson -------------------------------------------
function inRing(pt, ring) {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i], [xj, yj] = ring[j];
    if (yi > pt[1] !== yj > pt[1] && pt[0] < ((xj - xi) * (pt[1] - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}
function segDist(p, a, b, kx) {
  const ax = a[0] * kx, ay = a[1], bx = b[0] * kx, by = b[1], px = p[0] * kx, py = p[1];
  const dx = bx - ax, dy = by - ay, l2 = dx * dx + dy * dy;
  const t = l2 ? Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / l2)) : 0;
  return Math.hypot(ax + t * dx - px, ay + t * dy - py);
}
// A point well inside the largest polygon, and its distance to the
// boundary in metres (a grid search for the pole of inaccessibility).
function interiorPoint(geom) {
  const polys = geom.type === 'Polygon' ? [geom.coordinates] : geom.coordinates;
  let best = null;
  for (const poly of polys) {
    const xs = poly[0].map((c) => c[0]), ys = poly[0].map((c) => c[1]);
    const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    const kx = Math.cos(((y0 + y1) / 2) * Math.PI / 180);
    const N = 30;
    for (let i = 1; i < N; i++) for (let j = 1; j < N; j++) {
      const p = [x0 + ((x1 - x0) * i) / N, y0 + ((y1 - y0) * j) / N];
      if (!inRing(p, poly[0]) || poly.slice(1).some((h) => inRing(p, h))) continue;
      let d = Infinity;
      for (const ring of poly) for (let k = 1; k < ring.length; k++) d = Math.min(d, segDist(p, ring[k - 1], ring[k], kx));
      if (!best || d > best.d) best = { p, d };
    }
  }
  return best && { lon: best.p[0], lat: best.p[1], metres: best.d * 111320 };
}
// findings.csv: header names, quoted cells with doubled quotes.
function parseCsv(text) {
  const rows = [];
  let row = [], cell = '', q = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (q) {
      if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (ch === '"') q = false; else cell += ch;
    } else if (ch === '"') q = true;
    else if (ch === ',') { row.push(cell); cell = ''; } else if (ch === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; } else if (ch !== '\r') cell += ch;
  }
  if (cell || row.length) { row.push(cell); rows.push(row); }
  const [head, ...rest] = rows;
  return rest.map((r) => Object.fromEntries(head.map((h, i) => [h, r[i] ?? ''])));
}
const sameSet = (a, b) => a.size === b.size && [...a].every((x) => b.has(x));
const show = (set) => { const l = [...set].sort(); return l.length > 6 ? `${l.slice(0, 6).join(' ')} … (${l.length})` : l.join(' '); };
// A tiny PNG for basemap tile requests (1×1, grey).
const TILE = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGPo6OgAAAMgAZDdp4AAAAAASUVORK5CYII=', 'base64');
function worst(findings) {
  let w = null;
  for (const f of findings) {
    const r = SEVERITY.indexOf(f.code);
    if (r >= 0 && (w === null || r < SEVERITY.indexOf(w))) w = f.code;
  }
  return w || 'NONE';
}

async function testDir(browser, dir) {
  const file = path.resolve(dir, 'map.html');
  console.log(`map: ${file} (${(fs.statSync(file).size / 1e6).toFixed(2)} MB)`);
  const pcns = JSON.parse(fs.readFileSync(path.resolve(dir, 'pcns.geojson'), 'utf8')).features;
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors = [];
  const requests = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('request', (r) => { if (r.url() !== `file://${file}`) requests.push(r.url()); });
  await page.route(/^https?:/, (r) => r.fulfill({ status: 200, contentType: 'image/png', body: TILE }));
  const t0 = Date.now();
  await page.goto(`file://${file}`);
  await page.waitForFunction(() => window.pcnAtlas && window.pcnAtlas.ready, null, { timeout: 120000 });
  const loadMs = Date.now() - t0;

  // Footprints at known places.
  const mpp = await page.evaluate(() => { const v = window.pcnAtlas.view(); return v.w / document.getElementById('svg').clientWidth; });
  const samples = pcns
    .filter((f) => f.geometry)
    .sort((a, b) => b.properties.area_km2 - a.properties.area_km2 || (a.properties.pcn_code < b.properties.pcn_code ? -1 : 1))
    .slice(0, 40)
    .map((f) => ({ code: f.properties.pcn_code, worst: worst(f.properties.findings), list: f.properties.list_size, ip: interiorPoint(f.geometry) }))
    .filter((s) => s.ip && s.ip.metres / mpp >= 6)
    .slice(0, 8);
  check(samples.length >= Math.min(3, pcns.length), `${samples.length} networks large enough on screen to sample`);
  for (const s of samples) s.at = await page.evaluate(([lon, lat]) => window.pcnAtlas.toScreen(lon, lat), [s.ip.lon, s.ip.lat]);
  await page.mouse.move(1, 1);
  // The fill alone: overlays and labels are checked through the DOM below.
  // (With a basemap, footprints are see-through: made opaque for this too.)
  const hasBasemap = await page.evaluate(() => document.body.classList.contains('basemap'));
  const layersShown = (v) => page.evaluate(([v, b]) => { for (const id of ['overlays', 'labels', 'areas', 'tiles']) document.getElementById(id).style.visibility = v; document.body.classList.toggle('basemap', b && v !== 'hidden'); }, [v, hasBasemap]);
  await layersShown('hidden');
  const shot = await page.screenshot();
  await layersShown('');
  const img = decodePng(shot);
  for (const s of samples) {
    const want = hex(await page.evaluate((c) => window.pcnAtlas.classColour(c), s.worst));
    const share = shareNear(img, s.at.x, s.at.y, want);
    check(share >= 0.6, `${s.code} drawn in the colour of ${s.worst} at (${s.at.x.toFixed(0)}, ${s.at.y.toFixed(0)}) (${(share * 100).toFixed(0)}% of pixels)`);
  }
  // Background beside the map's extent: left of every footprint, mid-height.
  const box = await page.evaluate(() => { const b = document.getElementById('pcns').getBoundingClientRect(); const m = document.getElementById('map').getBoundingClientRect(); return { b: [b.left, b.top, b.right, b.bottom], m: [m.left, m.top, m.right, m.bottom] }; });
  if (box.b[0] - box.m[0] > 20) {
    const x = (box.m[0] + box.b[0]) / 2, y = (box.b[1] + box.b[3]) / 2;
    check(shareNear(img, x, y, BACKGROUND) >= 0.9, `background where there is no footprint (${x.toFixed(0)}, ${y.toFixed(0)})`);
  }

  // Hover shows the right network.
  for (const s of samples.slice(0, 4)) {
    await page.mouse.move(s.at.x, s.at.y);
    await page.waitForTimeout(50);
    const tip = await page.evaluate(() => document.getElementById('tip').textContent);
    const hit = await page.evaluate(([x, y]) => { const e = document.elementFromPoint(x, y); return e && e.closest('#points') ? 'point' : 'pcn'; }, [s.at.x, s.at.y]);
    check(hit === 'point' ? tip.includes(s.code) || tip.includes('practice') : tip.startsWith(s.code), `hover over ${s.code} shows “${tip.slice(0, 60)}”`);
  }
  // Practices are drawn where practices.geojson puts them: the page's own
  // WGS84 -> BNG conversion and the Rust one agree to a pixel.
  const pf = JSON.parse(fs.readFileSync(path.resolve(dir, 'practices.geojson'), 'utf8')).features.filter((f) => f.geometry);
  let worstPx = 0;
  for (const f of pf.filter((_, i) => i % Math.max(1, Math.floor(pf.length / 25)) === 0)) {
    const got = await page.evaluate(([code, lon, lat]) => {
      const i = JSON.parse(document.getElementById('data').textContent).points.findIndex((p) => p.code === code);
      const r = document.querySelector(`#points path[data-i="${i}"]`).getBoundingClientRect();
      const s = window.pcnAtlas.toScreen(lon, lat);
      return Math.hypot(r.left + r.width / 2 - s.x, r.top + r.height / 2 - s.y);
    }, [f.properties.practice_code, ...f.geometry.coordinates]);
    worstPx = Math.max(worstPx, got);
  }
  check(worstPx <= 1.5, `practice dots where practices.geojson puts them (worst ${worstPx.toFixed(2)} px)`);

  // Search for a practice code: the details panel shows it and its network.
  const practices = JSON.parse(fs.readFileSync(path.resolve(dir, 'practices.geojson'), 'utf8')).features.filter((f) => f.geometry && f.properties.pcn_code);
  if (practices.length) {
    const p = practices[Math.floor(practices.length / 2)].properties;
    await page.fill('#search', p.practice_code.toLowerCase());
    await page.press('#search', 'Enter');
    await page.waitForTimeout(100);
    const text = await page.evaluate(() => document.getElementById('info').textContent);
    check(text.includes(p.practice_code) && text.includes(p.pcn_code), `search “${p.practice_code.toLowerCase()}” shows the practice and ${p.pcn_code}`);
    await page.fill('#search', 'no such network anywhere');
    await page.press('#search', 'Enter');
    check((await page.textContent('#status')).includes('no network, practice or area'), 'a search that matches nothing says so');
    await page.click('#zhome');
    await page.waitForTimeout(100);
  }
  // Colour by population: the band ramp, classes worked out here.
  const band = await page.evaluate(() => JSON.parse(document.getElementById('data').textContent).metrics[0].breaks);
  await page.selectOption('#mode', 'list_size');
  await page.mouse.move(1, 1);
  await page.waitForTimeout(100);
  await layersShown('hidden');
  const img2 = decodePng(await page.screenshot());
  await layersShown('');
  const ramp = ['#b2182b', '#ef8a62', '#a6dba0', '#1b7837', '#c2a5cf', '#762a83'];
  for (const s of samples.slice(0, 4)) {
    let c = band.findIndex((b) => s.list < b);
    if (c < 0) c = band.length;
    const share = shareNear(img2, s.at.x, s.at.y, hex(ramp[c]));
    check(share >= 0.6, `${s.code} (${s.list} patients) in population class ${c} when coloured by population`);
  }
  await page.selectOption('#mode', 'finding');

  // Pan: a 400-pixel drag in 40 steps; frames counted by the page.
  const m = box.m;
  const cx = (m[0] + m[2]) / 2, cy = (m[1] + m[3]) / 2;
  await page.evaluate(() => { window.__frames = []; const f = (t) => { window.__frames.push(t); if (window.__frames.length < 100000) requestAnimationFrame(f); }; requestAnimationFrame(f); });
  const p0 = Date.now();
  await page.mouse.move(cx, cy);
  await page.mouse.down();
  for (let i = 1; i <= 40; i++) await page.mouse.move(cx + i * 10, cy + i * 5);
  await page.mouse.up();
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const panMs = Date.now() - p0;
  const frames = await page.evaluate(() => window.__frames);
  const gaps = frames.slice(1).map((t, i) => t - frames[i]).sort((a, b) => a - b);
  const median = gaps.length ? gaps[Math.floor(gaps.length / 2)] : NaN;
  const worstGap = gaps.length ? gaps[gaps.length - 1] : NaN;
  const moved = await page.evaluate(() => window.pcnAtlas.view().x);

  check(errors.length === 0, `no console errors${errors.length ? ': ' + errors.slice(0, 3).join(' | ') : ''}`);
  const basemap = await page.evaluate(() => JSON.parse(document.getElementById('data').textContent).basemap || null);
  if (!basemap) check(requests.length === 0, `no network requests without --basemap${requests.length ? ': ' + requests.slice(0, 3).join(' ') : ''}`);
  else {
    const re = new RegExp('^' + basemap.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[zxy]\\?\}/g, '\\d+').replace(/\\?\{s\\?\}/g, '[abc]') + '$');
    const bad = requests.filter((u) => !re.test(u));
    check(requests.length > 0 && bad.length === 0, `with --basemap, ${requests.length} requests, all tiles of ${basemap}${bad.length ? ': not tiles: ' + bad.slice(0, 3).join(' ') : ''}`);
    const tiles = await page.evaluate(() => document.querySelectorAll('#tiles image').length);
    const err = await page.evaluate(() => window.pcnAtlas.tileError());
    check(tiles > 0 && err < 2, `${tiles} basemap tiles under the footprints, worst tile corner off its affine fit by ${err.toFixed(2)} px`);
    check((await page.textContent('#attr')).includes('basemap tiles'), 'the basemap is attributed');
  }
  check(Number.isFinite(moved), 'the map pans');
  console.log(`  timing: load ${loadMs} ms; pan of 40 moves ${panMs} ms, ${frames.length} frames, median frame ${median.toFixed(1)} ms, worst ${worstGap.toFixed(1)} ms`);

  await everyFinding(page, dir);
  await branchSites(page, dir);
  await labelsApart(page);
  // Printing a pinned network: the network with the most findings, on one
  // A4 landscape page with its panel.
  const most = await page.evaluate(() => { const D = JSON.parse(document.getElementById('data').textContent); return D.pcns.reduce((a, p) => (p.findings.length > a.findings.length ? p : a)).code; });
  await page.evaluate((q) => window.pcnAtlas.search(q), most);
  const pdf = await page.pdf({ landscape: true, format: 'A4' });
  const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length;
  check(pages === 1, `printing with ${most} pinned: ${pages} A4 page(s)`);
  await page.close();
  await atScreenSize(browser, file, dir);
}

// With sites (sites.geojson): every branch surgery in the file is drawn on
// the page, where the file puts it (to a pixel), and hovering it names it,
// its practice ("branch of NAME (CODE)") and joins it to its practice; the
// legend has a "Branch site" row. Without sites the page has no branches.
async function branchSites(page, dir) {
  const f = path.resolve(dir, 'sites.geojson');
  const drawn = await page.evaluate(() => document.querySelectorAll('#branches path[data-b]').length);
  if (!fs.existsSync(f)) { check(drawn === 0, 'no branch sites drawn without sites.geojson'); return; }
  const branches = JSON.parse(fs.readFileSync(f, 'utf8')).features.filter((x) => x.properties.kind === 'branch');
  await page.keyboard.press('Escape');
  await page.click('#zhome');
  await page.mouse.move(1, 1);
  await page.waitForTimeout(100);
  check(drawn === branches.length, `${drawn} branch markers for the ${branches.length} branches of sites.geojson`);
  let worstPx = 0;
  const missing = [];
  for (const b of branches) {
    const got = await page.evaluate(([code, lon, lat]) => {
      const i = (JSON.parse(document.getElementById('data').textContent).branches || []).findIndex((x) => x.code === code);
      const el = document.querySelector(`#branches path[data-b="${i}"]`);
      if (i < 0 || !el) return null;
      const r = el.getBoundingClientRect();
      const s = window.pcnAtlas.toScreen(lon, lat);
      return { px: Math.hypot(r.left + r.width / 2 - s.x, r.top + r.height / 2 - s.y), x: s.x, y: s.y };
    }, [b.properties.site_code, ...b.geometry.coordinates]);
    if (!got) { missing.push(b.properties.site_code); continue; }
    worstPx = Math.max(worstPx, got.px);
    b.at = got;
  }
  check(missing.length === 0 && worstPx <= 1.5, `each branch drawn where sites.geojson puts it (worst ${worstPx.toFixed(2)} px${missing.length ? '; missing ' + missing.join(' ') : ''})`);
  // Hover the first branch not under another marker.
  for (const b of branches.filter((x) => x.at)) {
    const top = await page.evaluate(([x, y]) => { const e = document.elementFromPoint(x, y); return e && e.dataset ? e.dataset.b : undefined; }, [b.at.x, b.at.y]);
    if (top === undefined) continue;
    await page.mouse.move(b.at.x, b.at.y);
    await page.waitForTimeout(50);
    const tip = await page.evaluate(() => document.getElementById('tip').textContent);
    const p = b.properties;
    const joined = await page.evaluate(() => document.querySelectorAll('#join line').length);
    check(tip.includes(p.site_code) && tip.includes(`branch of ${p.practice_name} (${p.practice_code})`) && joined === 1, `hover over branch ${p.site_code} shows “${tip.slice(0, 90)}” and joins it to its practice`);
    break;
  }
  await page.mouse.move(1, 1);
  check((await page.textContent('#legend')).includes('Branch site'), 'the legend has a “Branch site” row');
}

// For each network finding code in findings.csv: the networks the page marks
// are exactly those findings.csv names; the layer list counts them; codes
// absent from findings.csv get no layer. Coverage gaps and dataset findings.
async function everyFinding(page, dir) {
  const rows = parseCsv(fs.readFileSync(path.resolve(dir, 'findings.csv'), 'utf8'));
  const want = new Map();
  for (const r of rows.filter((r) => r.scope === 'pcn')) {
    const pcn = r.pcn_code || r.subject;
    if (!want.has(r.code)) want.set(r.code, new Set());
    want.get(r.code).add(pcn);
  }
  const layers = await page.evaluate(() => JSON.parse(document.getElementById('data').textContent).layers.map((l) => l.code));
  check(sameSet(new Set(layers), new Set(want.keys())), `a layer for each network finding code of findings.csv (${[...want.keys()].join(' ')})`);
  for (const [code, pcns] of want) {
    const m = await page.evaluate((c) => window.pcnAtlas.marked(c), code);
    const lit = new Set(m.lit), ov = new Set(m.overlaid);
    // Networks without a footprint have nothing to draw on: findings.csv names them, the page lists them.
    const drawable = await page.evaluate((codes) => codes.filter((c) => { const el = document.getElementById(`pcn-${c}`); return el && el.getAttribute('d'); }), [...pcns]);
    check(sameSet(lit, pcns), `${code}: "show only" leaves exactly the ${pcns.size} networks of findings.csv${sameSet(lit, pcns) ? '' : ` (page ${show(lit)}; csv ${show(pcns)})`}`);
    check(sameSet(ov, new Set(drawable)), `${code}: overlays drawn on exactly its ${drawable.length} networks with a footprint${sameSet(ov, new Set(drawable)) ? '' : ` (page ${show(ov)})`}`);
    const n = await page.evaluate((c) => { const e = document.querySelector(`#layers [data-count="${c}"]`); return e ? +e.textContent : null; }, code);
    check(n === pcns.size, `${code}: layer list says ${n}, findings.csv has ${pcns.size} networks`);
  }
  // Coverage gaps: every area finding of these codes is drawn and searchable.
  const gapCodes = ['AREA_UNASSIGNED', 'AREA_IN_TWO_PCNS', 'AREA_MOSTLY_UNALLOCATED'];
  const gaps = new Set(rows.filter((r) => gapCodes.includes(r.code)).map((r) => r.area_code || r.subject));
  const drawn = await page.evaluate(() => JSON.parse(document.getElementById('data').textContent).areas.map((a) => a.code));
  check(sameSet(new Set(drawn), gaps), `${gaps.size} coverage-gap areas of findings.csv drawn hatched`);
  const unassigned = rows.filter((r) => r.code === 'AREA_UNASSIGNED').map((r) => r.area_code || r.subject);
  for (const a of [...unassigned.slice(0, 2), ...[...gaps].slice(0, 1)]) {
    await page.fill('#search', a.toLowerCase());
    await page.press('#search', 'Enter');
    await page.waitForTimeout(50);
    const text = await page.evaluate(() => document.getElementById('info').textContent);
    const outline = await page.evaluate(() => document.querySelectorAll('#sel path').length);
    check(text.includes(`Area ${a}`) && outline === 1, `search “${a.toLowerCase()}” finds the area and outlines it`);
  }
  // Dataset findings: each one listed in the panel (up to 200 per code).
  const notes = rows.filter((r) => r.scope !== 'pcn');
  const listed = await page.evaluate(() => Array.from(document.querySelectorAll('#notes details')).map((d) => [d.dataset.code, +d.querySelector('summary .n').textContent]));
  const byCode = new Map();
  for (const r of notes) byCode.set(r.code, (byCode.get(r.code) || 0) + 1);
  check(sameSet(new Set(listed.map((l) => `${l[0]}:${l[1]}`)), new Set([...byCode].map(([c, n]) => `${c}:${n}`))), `dataset findings panel lists ${notes.length} findings under ${byCode.size} codes`);
  const link = await page.$('#notes a[data-note]');
  if (link) {
    await page.evaluate(() => document.querySelector('#notes details').open = true);
    await page.evaluate(() => document.querySelector('#notes a[data-note]').click());
    await page.waitForTimeout(50);
    check(await page.evaluate(() => document.querySelectorAll('#sel path').length === 1), 'a dataset finding’s “zoom to it” link zooms to it and marks it');
  }
}

// Labels (network names with their badge, place names) never overlap, on
// the whole map and zoomed in twice.
async function labelsApart(page) {
  await page.click('#zhome');
  await page.waitForTimeout(50);
  for (const step of [0, 1, 2]) {
    if (step) { await page.click('#zin'); await page.waitForTimeout(50); }
    const r = await page.evaluate(() => {
      const boxes = Array.from(document.querySelectorAll('#labels > g')).map((g) => { const b = g.getBoundingClientRect(); return [b.left, b.top, b.right, b.bottom, g.textContent]; });
      const places = document.querySelectorAll('#labels .place').length;
      let clash = null;
      for (let i = 0; i < boxes.length && !clash; i++) for (let j = i + 1; j < boxes.length; j++) {
        const [a, b] = [boxes[i], boxes[j]];
        if (a[0] < b[2] - 1 && a[2] > b[0] + 1 && a[1] < b[3] - 1 && a[3] > b[1] + 1) { clash = `${a[4]} / ${b[4]}`; break; }
      }
      return { n: boxes.length, places, clash };
    });
    check(!r.clash, `${r.n} labels (${r.places} place names) at zoom step ${step}, none overlapping${r.clash ? ': ' + r.clash : ''}`);
  }
  await page.click('#zhome');
}

// At 1366×768 and 1920×1080: hub markers at least 8 px across (counted in
// pixels of the hub colour through each hub's centre, labels hidden), and
// the screenshots for the docs.
async function atScreenSize(browser, file, dir) {
  for (const [w, h] of [[1366, 768], [1920, 1080]]) {
    const page = await browser.newPage({ viewport: { width: w, height: h } });
    await page.route(/^https?:/, (r) => r.fulfill({ status: 200, contentType: 'image/png', body: TILE }));
    await page.goto(`file://${file}`);
    await page.waitForFunction(() => window.pcnAtlas && window.pcnAtlas.ready, null, { timeout: 120000 });
    await page.mouse.move(1, 1);
    if (process.env.SCREENSHOT_DIR) {
      if (process.env.SCREENSHOT_PIN) {
        await page.evaluate((q) => window.pcnAtlas.search(q), process.env.SCREENSHOT_PIN);
        await page.click('#zhome');
        await page.mouse.move(1, 1);
      }
      await page.waitForTimeout(100);
      fs.writeFileSync(path.join(process.env.SCREENSHOT_DIR, `${path.basename(path.resolve(dir))}-${w}.png`), await page.screenshot());
      await page.evaluate(() => window.pcnAtlas.search(''));
    }
    const hubs = await page.evaluate(() => {
      document.getElementById('labels').style.visibility = 'hidden';
      const m = document.getElementById('map').getBoundingClientRect();
      return Array.from(document.querySelectorAll('#points path.hub')).map((el) => { const r = el.getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; })
        .filter(([x, y]) => x > m.left + 20 && x < m.right - 60 && y > m.top + 20 && y < m.bottom - 40);
    });
    if (hubs.length) {
      const img = decodePng(await page.screenshot());
      const yellow = [0xff, 0xd4, 0x00];
      const runs = hubs.slice(0, 30).map(([x, y]) => {
        let a = 0, b = 0;
        while (a < 20 && near(img.at(x - a - 1, y), yellow, 40)) a++;
        while (b < 20 && near(img.at(x + b + 1, y), yellow, 40)) b++;
        return near(img.at(x, y), yellow, 40) ? a + b + 1 : 0;
      });
      // Hubs can overlap (two networks' hubs at one site): the smallest visible one counts.
      const seen = runs.filter((r) => r > 0);
      const min = Math.min(...seen);
      check(seen.length >= Math.min(3, hubs.length) && min >= 8, `hub markers at ${w}×${h}: ${seen.length} measured, the smallest ${min} px across`);
    }
    await page.close();
  }
}

const browser = await chromium.launch({
  executablePath: exe,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
});
try {
  for (const d of dirs) await testDir(browser, d);
} finally {
  await browser.close();
}
console.log(failures ? `${failures} check(s) failed` : 'all map checks passed');
process.exit(failures ? 1 : 0);
