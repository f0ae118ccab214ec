// The adapt-stream dashboard. Every value from the server is written with textContent or as an SVG attribute,
// never as HTML.
'use strict';

const SVG = 'http://www.w3.org/2000/svg';
const COLOURS = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7',
  '#9c755f', '#bab0ac', '#1f77b4', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#17becf'];
let state = null;
let chosenClusterStep = null;

function el(tag, attrs, text) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'css') {
      Object.assign(e.style, v); // through the CSSOM: the page's policy allows no style attributes
    } else {
      e.setAttribute(k, v);
    }
  }
  if (text !== undefined && text !== null) {
    e.textContent = String(text);
  }
  return e;
}

function svgEl(tag, attrs, text) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    e.setAttribute(k, String(v));
  }
  if (text !== undefined) {
    e.textContent = String(text);
  }
  return e;
}

function fmt(v, digits) {
  return v === null || v === undefined ? '–' : Number(v).toFixed(digits);
}

function num(v) {
  return v === null || v === undefined ? '–' : String(v);
}

function clear(node) {
  while (node.firstChild) {
    node.removeChild(node.firstChild);
  }
}

function colourOf(name, names) {
  return COLOURS[names.indexOf(name) % COLOURS.length];
}

function group(skill) {
  const i = skill.indexOf('.');
  return i < 0 ? skill : skill.substring(0, i);
}

function render(s) {
  state = s;
  document.getElementById('run-id').textContent = 'run ' + s.runId;
  const problems = document.getElementById('problems');
  clear(problems);
  for (const p of [s.selectorProblem, s.topicsProblem]) {
    if (p) {
      problems.appendChild(el('div', {}, p));
    }
  }
  renderSteps(s);
  renderPoolChart(s);
  renderClusters(s);
  renderMatrix(s);
  renderAccuracy(s);
  renderAccuracyChart(s);
  renderDeadLetters(s);
}

function renderSteps(s) {
  const body = document.querySelector('#steps tbody');
  clear(body);
  const v0 = s.models.find(m => m.version === 0);
  if (v0) {
    const tr = el('tr', {'data-step': '0'});
    tr.appendChild(el('td', {class: 'step'}, 0));
    tr.appendChild(el('td', {class: 'text release'}, v0.release || '–'));
    const phase = el('td', {class: 'text phase-cell'});
    const stage = v0.avgAccuracy === null ? 'evaluating' : 'evaluated';
    phase.appendChild(el('span', {class: 'phase ' + stage}, 'base model ' + stage));
    tr.appendChild(phase);
    for (let i = 0; i < 7; i++) {
      tr.appendChild(el('td', {}, '–'));
    }
    tr.appendChild(el('td', {class: 'avg'}, fmt(v0.avgAccuracy, 3)));
    body.appendChild(tr);
  }
  for (const st of s.steps) {
    const tr = el('tr', {'data-step': String(st.step)});
    tr.appendChild(el('td', {class: 'step'}, st.step));
    tr.appendChild(el('td', {class: 'text release'}, st.release));
    const phase = el('td', {class: 'text phase-cell'});
    phase.appendChild(el('span', {class: 'phase ' + st.stage}, st.stage));
    tr.appendChild(phase);
    for (const k of ['poolSize', 'fresh', 'scores', 'selected', 'pruned', 'clusters', 'deadLetters']) {
      tr.appendChild(el('td', {class: k}, num(st[k])));
    }
    tr.appendChild(el('td', {class: 'avg'}, fmt(st.avgAccuracy, 3)));
    body.appendChild(tr);
  }
  const pool = document.getElementById('pool-now');
  pool.textContent = s.pool ? 'pool now: ' + s.pool.size + ' samples (' + s.pool.pending
    + ' of releases still being published, ' + s.pool.deleted + ' removed for good)' : '';
}

function axes(svg, w, h, pad, yMax, yLabel) {
  svg.appendChild(svgEl('line', {class: 'axis', x1: pad, y1: h - pad, x2: w - 5, y2: h - pad}));
  svg.appendChild(svgEl('line', {class: 'axis', x1: pad, y1: 5, x2: pad, y2: h - pad}));
  svg.appendChild(svgEl('text', {x: 2, y: 12}, yLabel));
  svg.appendChild(svgEl('text', {x: 2, y: h - pad}, '0'));
  svg.appendChild(svgEl('text', {x: 2, y: 24}, yMax));
}

function renderPoolChart(s) {
  const box = document.getElementById('pool-chart');
  clear(box);
  if (s.steps.length === 0) {
    box.appendChild(el('p', {class: 'note'}, 'no steps yet'));
    return;
  }
  const w = 480, h = 200, pad = 30;
  const svg = svgEl('svg', {viewBox: '0 0 ' + w + ' ' + h, preserveAspectRatio: 'none'});
  const max = Math.max(1, ...s.steps.map(st => st.poolSize));
  axes(svg, w, h, pad, max, 'pool');
  const slot = (w - pad - 10) / s.steps.length;
  s.steps.forEach((st, i) => {
    const x = pad + 5 + i * slot;
    const bh = (h - 2 * pad) * st.poolSize / max;
    const sh = (h - 2 * pad) * st.selected / max;
    const rect = svgEl('rect', {x: x, y: h - pad - bh, width: slot * 0.7, height: bh, fill: '#4e79a7'});
    rect.appendChild(svgEl('title', {}, 'step ' + st.step + ': pool ' + st.poolSize + ', selected ' + st.selected));
    svg.appendChild(rect);
    svg.appendChild(svgEl('rect', {x: x, y: h - pad - sh, width: slot * 0.7, height: sh, fill: '#f28e2b'}));
    svg.appendChild(svgEl('text', {x: x, y: h - pad + 12}, 'step ' + st.step));
    svg.appendChild(svgEl('text', {x: x, y: h - pad - bh - 2}, st.poolSize));
  });
  box.appendChild(svg);
  const legend = el('div', {class: 'legend'});
  for (const [name, c] of [['pool', '#4e79a7'], ['selected', '#f28e2b']]) {
    const item = el('span');
    item.appendChild(el('i', {css: {background: c}}));
    item.appendChild(document.createTextNode(name));
    legend.appendChild(item);
  }
  box.appendChild(legend);
}

function renderClusters(s) {
  const select = document.getElementById('cluster-step');
  const steps = Object.keys(s.clusters).map(Number).sort((a, b) => a - b);
  const previous = chosenClusterStep;
  clear(select);
  for (const t of steps) {
    select.appendChild(el('option', {value: String(t)}, t));
  }
  const step = steps.includes(previous) ? previous : steps[steps.length - 1];
  if (step !== undefined) {
    select.value = String(step);
  }
  const body = document.querySelector('#clusters tbody');
  clear(body);
  const legend = document.getElementById('skill-legend');
  clear(legend);
  if (step === undefined) {
    return;
  }
  const clusters = s.clusters[String(step)];
  const skills = [...new Set(clusters.flatMap(c => Object.keys(c.skills || {})))].sort();
  for (const c of clusters) {
    const tr = el('tr', {'data-cluster': String(c.cluster)});
    tr.appendChild(el('td', {}, c.cluster));
    tr.appendChild(el('td', {class: 'size'}, num(c.size)));
    tr.appendChild(el('td', {}, num(c.fresh)));
    tr.appendChild(el('td', {class: 'text scorer'}, c.scorer || '–'));
    tr.appendChild(el('td', {class: 'selected'}, num(c.selected)));
    tr.appendChild(el('td', {}, num(c.pruned)));
    const mix = el('td', {class: 'text'});
    const bar = el('div', {class: 'bar'});
    const total = Object.values(c.skills || {}).reduce((a, b) => a + b, 0);
    for (const k of skills) {
      const n = (c.skills || {})[k] || 0;
      if (n > 0) {
        const part = el('span', {css: {width: (100 * n / total).toFixed(2) + '%', background: colourOf(k, skills)}});
        part.title = k + ': ' + n + ' (' + ((c.selectedSkills || {})[k] || 0) + ' selected)';
        bar.appendChild(part);
      }
    }
    mix.appendChild(bar);
    tr.appendChild(mix);
    body.appendChild(tr);
  }
  for (const k of skills) {
    const item = el('span');
    item.appendChild(el('i', {css: {background: colourOf(k, skills)}}));
    item.appendChild(document.createTextNode(k));
    legend.appendChild(item);
  }
}

function heat(v) {
  // white (0) to green (1)
  const t = Math.max(0, Math.min(1, v));
  const r = Math.round(255 - 160 * t), g = Math.round(255 - 40 * t), b = Math.round(255 - 160 * t);
  return 'rgb(' + r + ',' + g + ',' + b + ')';
}

function renderMatrix(s) {
  const box = document.getElementById('matrix');
  clear(box);
  const m = s.matrix;
  if (!m) {
    box.appendChild(el('p', {class: 'note', id: 'matrix-missing'}, 'The accuracy matrix is not available yet.'));
    return;
  }
  const table = el('table', {id: 'matrix-table'});
  const head = el('tr');
  head.appendChild(el('th', {}, 'version'));
  for (const c of m.columns) {
    head.appendChild(el('th', {class: 'text'}, c));
  }
  table.appendChild(el('thead')).appendChild(head);
  const body = el('tbody');
  m.versions.forEach((v, i) => {
    const tr = el('tr', {'data-version': String(v)});
    tr.appendChild(el('th', {}, 'v' + v));
    m.values[i].forEach((cell, j) => {
      const td = el('td', {class: 'cell'}, cell === null ? '' : fmt(cell, 2));
      if (cell !== null) {
        td.style.background = heat(cell);
      }
      td.title = 'v' + v + ' on ' + m.columns[j] + ': ' + (cell === null ? 'not evaluated' : fmt(cell, 3));
      tr.appendChild(td);
    });
    body.appendChild(tr);
  });
  table.appendChild(body);
  box.appendChild(table);
  const summary = Object.entries(m.summary || {});
  if (summary.length) {
    box.appendChild(el('p', {class: 'note'}, summary.map(([k, v]) => k + ' ' + fmt(v, 3)).join(', ')));
  }
}

/** Per version, the mean accuracy of each skill group (skills share the part of their name before the first dot). */
function groupAccuracy(model) {
  const sums = {};
  for (const [skill, a] of Object.entries(model.accuracy || {})) {
    const g = group(skill);
    sums[g] = sums[g] || [0, 0];
    sums[g][0] += a;
    sums[g][1] += 1;
  }
  const out = {};
  for (const [g, [sum, n]] of Object.entries(sums)) {
    out[g] = sum / n;
  }
  return out;
}

function renderAccuracy(s) {
  const table = document.getElementById('accuracy');
  const evaluated = s.models.filter(m => m.avgAccuracy !== null);
  const groups = [...new Set(evaluated.flatMap(m => Object.keys(groupAccuracy(m))))].sort();
  const head = table.querySelector('thead');
  clear(head);
  const hr = el('tr');
  for (const h of ['version', 'release', 'samples trained', 'average']) {
    hr.appendChild(el('th', {class: h === 'release' ? 'text' : ''}, h));
  }
  for (const g of groups) {
    hr.appendChild(el('th', {}, g));
  }
  head.appendChild(hr);
  const body = table.querySelector('tbody');
  clear(body);
  for (const m of evaluated) {
    const tr = el('tr', {'data-version': String(m.version)});
    tr.appendChild(el('td', {}, 'v' + m.version));
    tr.appendChild(el('td', {class: 'text'}, m.release || '–'));
    tr.appendChild(el('td', {}, m.trainedSamples));
    tr.appendChild(el('td', {class: 'avg'}, fmt(m.avgAccuracy, 3)));
    const ga = groupAccuracy(m);
    for (const g of groups) {
      tr.appendChild(el('td', {'data-group': g}, g in ga ? fmt(ga[g], 3) : '–'));
    }
    body.appendChild(tr);
  }
}

function renderAccuracyChart(s) {
  const box = document.getElementById('accuracy-chart');
  clear(box);
  const evaluated = s.models.filter(m => m.avgAccuracy !== null);
  if (evaluated.length === 0) {
    box.appendChild(el('p', {class: 'note'}, 'no evaluated version yet'));
    return;
  }
  const groups = [...new Set(evaluated.flatMap(m => Object.keys(groupAccuracy(m))))].sort();
  const w = 480, h = 200, pad = 30;
  const svg = svgEl('svg', {viewBox: '0 0 ' + w + ' ' + h, preserveAspectRatio: 'none'});
  axes(svg, w, h, pad, '1', 'accuracy');
  const last = Math.max(1, evaluated[evaluated.length - 1].version);
  const x = v => pad + 5 + (w - pad - 20) * v / last;
  const y = a => h - pad - (h - 2 * pad) * a;
  for (const m of evaluated) {
    svg.appendChild(svgEl('text', {x: x(m.version) - 6, y: h - pad + 12}, 'v' + m.version));
  }
  for (const g of groups) {
    const pts = evaluated.map(m => [m.version, groupAccuracy(m)[g]]).filter(p => p[1] !== undefined);
    const line = svgEl('polyline', {fill: 'none', stroke: colourOf(g, groups), 'stroke-width': 2,
      points: pts.map(p => x(p[0]).toFixed(1) + ',' + y(p[1]).toFixed(1)).join(' ')});
    line.appendChild(svgEl('title', {}, g));
    svg.appendChild(line);
    for (const p of pts) {
      const dot = svgEl('circle', {cx: x(p[0]), cy: y(p[1]), r: 3, fill: colourOf(g, groups)});
      dot.appendChild(svgEl('title', {}, g + ' v' + p[0] + ': ' + fmt(p[1], 3)));
      svg.appendChild(dot);
    }
  }
  box.appendChild(svg);
  const legend = el('div', {class: 'legend'});
  for (const g of groups) {
    const item = el('span');
    item.appendChild(el('i', {css: {background: colourOf(g, groups)}}));
    item.appendChild(document.createTextNode(g));
    legend.appendChild(item);
  }
  box.appendChild(legend);
}

function renderDeadLetters(s) {
  const body = document.querySelector('#dead-letters tbody');
  clear(body);
  const entries = Object.entries(s.deadLetters.byReason);
  if (entries.length === 0) {
    const tr = el('tr');
    tr.appendChild(el('td', {class: 'text', colspan: '2'}, 'none'));
    body.appendChild(tr);
    return;
  }
  for (const [reason, n] of entries) {
    const tr = el('tr', {'data-reason': reason});
    tr.appendChild(el('td', {class: 'text'}, reason));
    tr.appendChild(el('td', {}, n));
    body.appendChild(tr);
  }
}

async function explain(event) {
  event.preventDefault();
  const box = document.getElementById('explain');
  clear(box);
  const step = document.getElementById('explain-step').value.trim();
  const id = document.getElementById('explain-id').value.trim();
  box.appendChild(el('p', {class: 'note'}, 'asking…'));
  let answer;
  try {
    const r = await fetch('/api/explain?step=' + encodeURIComponent(step) + '&id=' + encodeURIComponent(id));
    answer = await r.json();
    if (!r.ok) {
      clear(box);
      box.appendChild(el('p', {class: 'message', id: 'explain-error'}, answer.error || ('error ' + r.status)));
      return;
    }
  } catch (e) {
    clear(box);
    box.appendChild(el('p', {class: 'message'}, 'the dashboard did not answer: ' + e));
    return;
  }
  clear(box);
  const sample = answer.sample;
  if (sample) {
    const about = el('div', {id: 'explain-sample'});
    about.appendChild(el('p', {}, 'release ' + sample.release + ', ' + sample.split
      + (sample.skill ? ', skill ' + sample.skill : '') + ', source id ' + sample.sourceId));
    for (const img of sample.images) {
      const i = el('img', {src: '/images/' + img.sha256, alt: 'image ' + img.sha256});
      box.appendChild(i);
    }
    for (const t of sample.conversations) {
      const p = el('div', {class: 'turn'});
      p.appendChild(el('b', {}, t.from + ': '));
      p.appendChild(document.createTextNode(t.value));
      about.appendChild(p);
    }
    box.appendChild(about);
  } else {
    box.appendChild(el('p', {class: 'message'}, answer.sampleProblem || 'sample not found'));
  }
  const prov = answer.provenance;
  const status = el('p', {id: 'explain-status'});
  if (prov.status === 'found') {
    status.textContent = 'the selector\'s record of this sample at step ' + answer.step + ':';
    box.appendChild(status);
    box.appendChild(el('pre', {id: 'explain-record'}, JSON.stringify(prov.record, null, 2)));
  } else if (prov.status === 'no record') {
    status.textContent = 'no record of this sample at step ' + answer.step + (prov.reason ? ' (' + prov.reason + ')' : '');
    box.appendChild(status);
  } else {
    status.textContent = 'the selector cannot tell: ' + prov.reason;
    box.appendChild(status);
  }
}

function connect() {
  const status = document.getElementById('connection');
  const source = new EventSource('/events');
  source.addEventListener('state', e => {
    render(JSON.parse(e.data));
    status.textContent = 'live, updated ' + new Date(state.updatedAtMs).toLocaleTimeString();
    status.className = 'status live';
  });
  source.onerror = () => {
    status.textContent = 'disconnected, retrying…';
    status.className = 'status down';
  };
}

document.addEventListener('DOMContentLoaded', () => {
  document.getElementById('cluster-step').addEventListener('change', e => {
    chosenClusterStep = Number(e.target.value);
    if (state) {
      renderClusters(state);
    }
  });
  document.getElementById('explain-form').addEventListener('submit', explain);
  fetch('/api/state').then(r => r.json()).then(render).catch(() => {});
  connect();
});
