// proposal.html: the two panels share one view (pan and zoom one, the
// other follows); hover or click a shape for its sentence, and the same
// network, area or practice is marked on both panels and in the table.
(function () {
  'use strict';
  const panels = Array.from(document.querySelectorAll('svg.panel'));
  if (!panels.length) return;
  const vb = panels[0].viewBox.baseVal;
  const home = { x: vb.x, y: vb.y, w: vb.width, h: vb.height };
  let v = Object.assign({}, home);
  const hatch = document.getElementById('proposal-hatch');

  // Map units per screen pixel in a panel (preserveAspectRatio meet).
  function scale(s) {
    const r = s.getBoundingClientRect();
    return Math.max(v.w / Math.max(r.width, 1), v.h / Math.max(r.height, 1));
  }
  function apply() {
    for (const s of panels) s.setAttribute('viewBox', `${v.x} ${v.y} ${v.w} ${v.h}`);
    const k = scale(panels[0]);
    for (const g of document.querySelectorAll('svg.panel .labels')) g.setAttribute('font-size', 12 * k);
    if (hatch) {
      hatch.setAttribute('width', 9 * k);
      hatch.setAttribute('height', 9 * k);
      const bar = hatch.firstElementChild;
      bar.setAttribute('width', 3 * k);
      bar.setAttribute('height', 9 * k);
    }
  }
  // A screen point in map units.
  function at(s, cx, cy) {
    const r = s.getBoundingClientRect();
    const k = scale(s);
    const x0 = v.x + (v.w - r.width * k) / 2;
    const y0 = v.y + (v.h - r.height * k) / 2;
    return [x0 + (cx - r.left) * k, y0 + (cy - r.top) * k];
  }
  function zoom(s, cx, cy, f) {
    const [mx, my] = at(s, cx, cy);
    v = { x: mx - (mx - v.x) * f, y: my - (my - v.y) * f, w: v.w * f, h: v.h * f };
    apply();
  }
  for (const s of panels) {
    let drag = null;
    s.addEventListener('wheel', (e) => {
      e.preventDefault();
      zoom(s, e.clientX, e.clientY, Math.exp(Math.sign(e.deltaY) * 0.2));
    }, { passive: false });
    // A double click zooms; its two clicks must not pin what lies under it.
    s.addEventListener('dblclick', (e) => {
      zoom(s, e.clientX, e.clientY, 0.5);
      unpin();
    });
    s.addEventListener('pointerdown', (e) => {
      drag = { x: e.clientX, y: e.clientY, moved: false };
      s.setPointerCapture(e.pointerId);
    });
    s.addEventListener('pointermove', (e) => {
      if (!drag) return;
      const k = scale(s);
      const dx = e.clientX - drag.x, dy = e.clientY - drag.y;
      if (Math.abs(dx) + Math.abs(dy) > 2) { drag.moved = true; s.classList.add('dragging'); }
      v.x -= dx * k; v.y -= dy * k;
      drag.x = e.clientX; drag.y = e.clientY;
      apply();
    });
    const end = (e) => {
      if (!drag) return;
      const click = !drag.moved;
      drag = null;
      s.classList.remove('dragging');
      s.releasePointerCapture(e.pointerId);
      if (click) pick(document.elementFromPoint(e.clientX, e.clientY), true);
    };
    s.addEventListener('pointerup', end);
    s.addEventListener('pointercancel', end);
  }
  document.addEventListener('keydown', (e) => {
    if (e.key === '0') { v = Object.assign({}, home); apply(); }
  });

  // Hover and click: the sentence of the shape, and its twins marked.
  const tip = document.getElementById('tip');
  let pinned = null;
  const KEYS = ['data-area', 'data-practice', 'data-pcn'];
  function key(el) {
    for (; el && el !== document; el = el.parentNode) {
      if (!el.getAttribute) continue;
      for (const k of KEYS) if (el.hasAttribute(k)) return [k, el.getAttribute(k), el];
    }
    return null;
  }
  function mark(k) {
    for (const el of document.querySelectorAll('.hl')) el.classList.remove('hl');
    if (!k) return;
    for (const el of document.querySelectorAll(`[${k[0]}]`)) {
      if (el.getAttribute(k[0]) === k[1]) el.classList.add('hl');
    }
  }
  function show(k) {
    if (!k) return;
    const t = k[2].querySelector('title')
      || document.querySelector(`svg.panel [${k[0]}="${CSS.escape(k[1])}"] title`);
    tip.textContent = t ? t.textContent : k[1];
  }
  function unpin() {
    pinned = null;
    tip.classList.remove('pinned');
  }
  function pick(el, click) {
    const k = key(el);
    if (click) {
      pinned = k;
      tip.classList.toggle('pinned', !!k);
    }
    if (pinned && !click) return;
    mark(k);
    show(k);
  }
  document.addEventListener('mouseover', (e) => pick(e.target, false));
  for (const tr of document.querySelectorAll('#changes tr[data-pcn]')) {
    tr.addEventListener('click', () => pick(tr, true));
  }
  apply();
})();
