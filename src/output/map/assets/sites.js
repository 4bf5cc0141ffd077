// pcn-atlas map, branch sites (only on a map with sites.csv): each branch
// surgery is a small hollow ring; hovering one shows its name, code, its
// practice and the patients it serves, and draws a line to its practice's
// main site. A "Branch site" row joins the legend's points. No network.
(function () {
  'use strict';
  const D = JSON.parse(document.getElementById('data').textContent);
  const B = D.branches || [];
  const NS = 'http://www.w3.org/2000/svg';
  const svg = document.getElementById('svg');
  const map = document.getElementById('map');
  const tip = document.getElementById('tip');
  const info = document.getElementById('info');
  const legend = document.getElementById('legend');
  const join = document.getElementById('join');
  const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
  const count = (v) => Math.round(v).toLocaleString('en-GB');
  function tipHtml(b) {
    let h = `<b>${esc(b.name || b.code)}</b> ${esc(b.code)}<br>branch of ${esc(b.practice_name)} (${esc(b.practice)})`;
    if (b.patients !== null && b.patients !== undefined) h += `<br>serves ${count(b.patients)} patients`;
    if (b.hub) h += '<br>network hub';
    return h;
  }
  function infoHtml(b) {
    const row = (k, v) => `<tr><td>${k}</td><td>${esc(v)}</td></tr>`;
    let h = `<h2>${esc(b.code)} · ${esc(b.name)}</h2><table>`;
    h += row('Branch of', `${b.practice_name} (${b.practice})`) + row('PCN', b.pcn || 'none');
    if (b.patients !== null && b.patients !== undefined) h += row('Patients served', count(b.patients));
    if (b.hub) h += row('Network hub', 'yes');
    return h + '</table>';
  }
  function drawJoin(b) {
    join.textContent = '';
    if (!b || !b.practice_at) return;
    const l = document.createElementNS(NS, 'line');
    l.setAttribute('x1', b.at[0]); l.setAttribute('y1', b.at[1]);
    l.setAttribute('x2', b.practice_at[0]); l.setAttribute('y2', b.practice_at[1]);
    join.appendChild(l);
  }
  // After the page's own handler (which knows nothing of branches).
  svg.addEventListener('mousemove', (e) => {
    const i = e.target && e.target.dataset ? e.target.dataset.b : undefined;
    if (i === undefined) { drawJoin(null); return; }
    const b = B[+i];
    drawJoin(b);
    tip.innerHTML = tipHtml(b);
    tip.style.display = 'block';
    const r = map.getBoundingClientRect();
    const x = e.clientX - r.left + 14, y = e.clientY - r.top + 14;
    tip.style.left = `${Math.min(x, r.width - tip.offsetWidth - 4)}px`;
    tip.style.top = `${Math.min(y, r.height - tip.offsetHeight - 4)}px`;
    if (!document.body.classList.contains('pinned')) info.innerHTML = infoHtml(b);
  });
  svg.addEventListener('mouseleave', () => drawJoin(null));
  // The legend is redrawn on every change of colouring: add the row again.
  const ROW = '<div class="row" data-site="branch"><svg width="18" height="14"><circle cx="9" cy="7" r="2.6" fill="#fff" stroke="#1f2933" stroke-width="1.7"/></svg>Branch site</div>';
  function addRow() { if (!legend.querySelector('[data-site]')) legend.insertAdjacentHTML('beforeend', ROW); }
  new MutationObserver(addRow).observe(legend, { childList: true });
  addRow();
  if (window.pcnAtlas) window.pcnAtlas.branches = () => B.map((b) => b.code);
})();
