// gitfleet dashboard: polls the reconciler's JSON API and renders the rollout. No dependencies.
'use strict';
(() => {
  const POLL_MS = 2000;
  const FETCH_TIMEOUT_MS = 5000;
  const IN_FLIGHT = ['Instructed', 'Downloading', 'Writing', 'Verifying', 'Staged', 'Rebooting'];
  const NODE_PHASES = [...IN_FLIGHT, 'Failed', 'Blocked', 'Pending', 'Completed', 'Skipped', 'RolledBack'];
  const URGENT = new Set([...IN_FLIGHT, 'Failed', 'Blocked']);
  const ACTIVE_UPGRADES = new Set(['RollingOut', 'AwaitingPromotion', 'RollingBack']);
  const TONES = {
    active: [...IN_FLIGHT, 'RollingOut', 'RollingBack', 'AwaitingPromotion'],
    good: ['Completed', 'Succeeded', 'Ready'],
    bad: ['Failed', 'Rejected', 'Stalled'],
    warn: ['Blocked', 'Paused', 'Waiting', 'RolledBack'],
  };
  const IDLE = 'Idle';

  // ---- safe HTML: every value interpolated into html`` is escaped, unless it is itself html`` output.
  class Html { constructor(text) { this.text = text; } toString() { return this.text; } }
  const ENTITIES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
  const piece = (v) => v == null || v === false ? ''
    : v instanceof Html ? v.text
      : Array.isArray(v) ? v.map(piece).join('')
        : String(v).replace(/[&<>"']/g, (c) => ENTITIES[c]);
  const html = (strings, ...values) =>
    new Html(strings.reduce((out, s, i) => out + piece(values[i - 1]) + s));

  const $ = (id) => document.getElementById(id);
  /** Replaces an element's content only when it changed, so an unchanged page is left alone. */
  function put(el, content) {
    const text = piece(content);
    if (el.dataset.rendered !== text) {
      el.innerHTML = text;
      el.dataset.rendered = text;
    }
  }
  function setText(id, text) {
    const el = $(id);
    if (el.textContent !== text) el.textContent = text;
  }

  // ---- formatting
  const pad = (n) => String(n).padStart(2, '0');
  const clock = (d) => `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  const shortSha = (sha) => (sha || '').slice(0, 7);
  let reference = Date.now(); // the server's clock (fleet.generatedAt) when it tells it, so ages ignore skew

  function age(iso) {
    const t = Date.parse(iso);
    if (Number.isNaN(t)) return '';
    const s = Math.max(0, Math.round((reference - t) / 1000));
    if (s < 60) return `${s}s`;
    if (s < 3600) return `${Math.floor(s / 60)}m`;
    if (s < 86400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
    return `${Math.floor(s / 86400)}d`;
  }
  function bytes(n) {
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let i = 0;
    while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
    return `${i === 0 ? n : n.toFixed(n >= 100 ? 0 : 1)} ${units[i]}`;
  }
  function tone(phase) {
    return Object.keys(TONES).find((t) => TONES[t].includes(phase)) || 'neutral';
  }
  const badge = (phase, testid = 'phase') =>
    html`<span class="badge ${tone(phase)}" data-testid="${testid}">${phase || '—'}</span>`;
  function safeUrl(url) {
    try {
      const u = new URL(url, location.href);
      return u.protocol === 'http:' || u.protocol === 'https:';
    } catch (e) {
      return false;
    }
  }

  // ---- header and banners
  function renderFleet(fleet) {
    setText('fleet-name', fleet.name || 'fleet');
    const commit = $('approved-commit');
    setText('approved-commit', shortSha(fleet.approvedCommit) || '—');
    commit.title = fleet.approvedCommit || '';
    setText('approved-branch', fleet.approvedBranch || '—');
    const conditions = fleet.conditions || [];
    put($('conditions'), conditions.filter((c) => c.type !== 'Stalled').map((c) =>
      html`<span class="badge chip ${tone(c.type)}" data-testid="condition-${c.type}"
        title="${c.reason || ''}${c.message ? ': ' + c.message : ''}">${c.type}</span>`));

    const stalled = conditions.find((c) => c.type === 'Stalled');
    const problems = fleet.problems || [];
    const banner = $('stalled');
    banner.hidden = !stalled && problems.length === 0;
    put(banner, html`
      ${stalled ? html`<strong>Stalled${stalled.reason ? ` (${stalled.reason})` : ''}:</strong>
        <span data-testid="stalled-message">${stalled.message || ''}</span>
        ${stalled.since ? html`<span class="since">— for ${age(stalled.since)}</span>` : ''}`
        : html`<strong>Problems in the approved commit</strong>`}
      ${problems.length ? html`<ul data-testid="problems">${problems.map((p) =>
        html`<li><code>${p.file}${p.pointer && p.pointer !== '/' ? p.pointer : ''}</code>: ${p.message}</li>`)}</ul>` : ''}`);
    document.title = `${stalled ? '⚠ stalled · ' : ''}${fleet.name || 'fleet'} · gitfleet`;
  }

  // ---- upgrades
  function countsOf(st) {
    const c = { total: 0, pending: 0, skipped: 0, blocked: 0, inProgress: 0, completed: 0, failed: 0, rolledBack: 0 };
    if (st.counts) return Object.assign(c, st.counts);
    for (const n of st.nodes || []) {
      c.total++;
      const key = IN_FLIGHT.includes(n.phase) ? 'inProgress' : n.phase.charAt(0).toLowerCase() + n.phase.slice(1);
      if (key in c) c[key]++;
    }
    return c;
  }
  const count = (n, label, cls) =>
    html`<span class="${cls}${n ? ' nonzero' : ''}" data-testid="count-${cls}">${n} ${label}</span>`;

  function upgradeCard(doc) {
    const name = (doc.metadata && doc.metadata.name) || '?';
    const st = doc.status || {};
    const c = countsOf(st);
    const done = c.completed + c.skipped;
    const channel = st.desiredVersion && st.resolvedVersion && st.desiredVersion !== st.resolvedVersion
      ? `${st.desiredVersion} → ` : '';
    return html`<article class="card" id="upgrade-${name}" data-testid="upgrade-${name}">
      <div class="card-head"><h3><a href="#/upgrade/${encodeURIComponent(name)}" data-testid="upgrade-link">${name}</a></h3>${badge(st.phase, 'upgrade-phase')}
        <span class="target" data-testid="upgrade-target">${st.component || ''} ${channel}<code>${st.resolvedVersion || st.desiredVersion || '?'}</code></span></div>
      <div class="bar"><progress max="${Math.max(c.total, 1)}" value="${done}" aria-label="${name} progress"></progress>
        <span class="progress-text" data-testid="upgrade-progress">${done}/${c.total} done</span></div>
      <div class="counts" data-testid="upgrade-counts">${count(c.inProgress, 'in progress', 'in-progress')}
        ${count(c.failed, 'failed', 'failed')}${count(c.blocked, 'blocked', 'blocked')}${count(c.pending, 'pending', 'pending')}</div>
      ${st.reason || st.message ? html`<div class="message" data-testid="upgrade-message">
        ${st.reason ? html`<strong>${st.reason}</strong>${st.message ? ': ' : ''}` : ''}${st.message || ''}</div>` : ''}
      ${st.phaseSince ? html`<div class="since">${st.phase} for ${age(st.phaseSince)}</div>` : ''}
    </article>`;
  }

  const byKeys = (a, b) => {
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
    return 0;
  };

  // ---- nodes: one row for every upgrade a node is in (a paused upgrade never hides an active one), and one
  // row for a node no upgrade covers
  function nodeRows(upgrades, inventory, upgradesByName) {
    const nodes = new Map(inventory.map((n) => [n.name, n]));
    const rows = [];
    const covered = new Set();
    upgrades.forEach((doc) => {
      const st = doc.status || {};
      const upgrade = doc.metadata && doc.metadata.name;
      for (const e of st.nodes || []) {
        covered.add(e.node);
        const node = nodes.get(e.node) || { name: e.node, role: e.role };
        const task = node.task;
        const live = task && task.upgrade === upgrade ? task : null;
        let phase = e.phase;
        if (live && live.phase && IN_FLIGHT.includes(phase)) phase = live.phase; // the agent's report is fresher
        const component = st.component || 'os';
        rows.push({
          name: e.node, role: node.role || e.role, datacenter: node.datacenter, labels: node.labels, upgrade,
          upgradePhase: st.phase, phase, current: (node.components && node.components[component]) || e.from,
          target: e.to || st.resolvedVersion, order: e.order, canary: e.canary, lastSeen: node.lastSeen,
          health: node.health, failure: e.failureReason || (live && live.failureReason),
          message: (live && IN_FLIGHT.includes(phase) && live.message) || e.message || (live && live.message),
          bytesDone: live && live.bytesDone, bytesTotal: live && live.bytesTotal, since: e.since,
        });
      }
    });
    for (const node of inventory) {
      if (!covered.has(node.name)) {
        const c = node.components || {};
        rows.push({
          name: node.name, role: node.role, datacenter: node.datacenter, labels: node.labels, phase: IDLE,
          current: c.os || Object.values(c)[0], lastSeen: node.lastSeen, health: node.health,
        });
      }
    }
    return rows;
  }

  /** The command an operator would run next for a node's row; read-only: the page shows it, never runs it. */
  function nextStep(r) {
    if (!r.upgrade) return '';
    if (r.phase === 'Failed') return `gitfleet retry ${r.upgrade} ${r.name}`;
    if (r.upgradePhase === 'Paused' && !IN_FLIGHT.includes(r.phase)) return `gitfleet resume ${r.upgrade}`;
    if (r.upgradePhase === 'AwaitingPromotion' && r.phase === 'Pending') return `gitfleet promote ${r.upgrade}`;
    if (r.phase === 'Blocked') return `gitfleet describe upgrade ${r.upgrade}`;
    return '';
  }

  const matches = (r, needle) => !needle || [r.name, r.role, r.datacenter, r.upgrade, r.phase, r.current, r.target,
    r.failure, r.message, ...Object.entries(r.labels || {}).map(([k, v]) => `${k}=${v}`)]
    .some((x) => x != null && String(x).toLowerCase().includes(needle));

  function nodeRow(r) {
    const version = r.target && r.current !== r.target
      ? html`<code>${r.current || '?'}</code> → <code>${r.target}</code>` : html`<code>${r.current || '?'}</code>`;
    const progress = r.bytesTotal > 0 && r.bytesDone != null
      ? html`<progress class="bytes" max="${r.bytesTotal}" value="${Math.min(r.bytesDone, r.bytesTotal)}"></progress>
        <div class="bytes-text">${bytes(r.bytesDone)} / ${bytes(r.bytesTotal)} (${Math.floor(100 * r.bytesDone / r.bytesTotal)}%)</div>`
      : '';
    const unhealthy = r.health && r.health.healthy === false
      ? html`<div class="unhealthy">unhealthy${r.health.message ? ': ' + r.health.message : ''}</div>` : '';
    const key = `${r.name}${r.upgrade ? '--' + r.upgrade : ''}`;
    const next = nextStep(r);
    return html`<tr id="node-${key}" data-testid="node-${key}" data-node="${r.name}">
      <td class="name"><a href="#/node/${encodeURIComponent(r.name)}" data-testid="node-link">${r.name}</a>${r.canary ? html` <span class="badge" title="canary">canary</span>` : ''}</td>
      <td>${r.role || ''}</td>
      <td data-testid="node-upgrade">${r.upgrade ? html`<a href="#/upgrade/${encodeURIComponent(r.upgrade)}">${r.upgrade}</a>` : '—'}</td>
      <td class="version" data-testid="node-version">${version}</td>
      <td>${badge(r.phase, 'node-phase')}</td>
      <td data-testid="node-progress">${progress}</td>
      <td class="col-msg" data-testid="node-message">${r.failure ? html`<div class="failure">${r.failure}</div>` : ''}
        ${r.message ? html`<div>${r.message}</div>` : ''}${unhealthy}</td>
      <td class="seen" data-testid="node-seen">${r.lastSeen ? `${age(r.lastSeen)} ago` : 'never'}</td>
      <td class="next" data-testid="node-next">${next ? html`<code>${next}</code>` : ''}</td>
    </tr>`;
  }

  function renderNodes(rows, emptyText = 'No nodes.') {
    if (rows.length === 0) return html`<p class="empty">${emptyText}</p>`;
    const phases = [...NODE_PHASES, ...new Set(rows.map((r) => r.phase).filter((p) => !NODE_PHASES.includes(p) && p !== IDLE)), IDLE];
    const groups = phases.map((phase) => [phase, rows.filter((r) => r.phase === phase)
      .sort((a, b) => (a.upgrade || '').localeCompare(b.upgrade || '') || (a.order ?? 1e9) - (b.order ?? 1e9)
        || a.name.localeCompare(b.name))]).filter(([, list]) => list.length);
    return html`<table>
      <thead><tr><th>Node</th><th>Role</th><th>Upgrade</th><th>Version</th><th>Phase</th><th>Progress</th>
        <th>Message</th><th>Last seen</th><th>Next</th></tr></thead>
      ${groups.map(([phase, list]) => html`<tbody class="group" data-testid="phase-group-${phase}">
        <tr class="group-head"><th colspan="9">${badge(phase, 'group-phase')} <span class="count">${list.length}</span></th></tr>
        ${list.map(nodeRow)}</tbody>`)}
    </table>`;
  }

  // ---- links to the forge: the server's templates, {sha} and {number} filled in; nothing else is ever linked
  let links = {};
  function commitLink(sha, testid = 'commit-link') {
    if (!sha) return html`<code>—</code>`;
    const url = links.commit ? links.commit.replace('{sha}', encodeURIComponent(sha)) : null;
    return url && safeUrl(url) ? html`<a href="${url}" data-testid="${testid}" title="${sha}"><code>${shortSha(sha)}</code></a>`
      : html`<code title="${sha}">${shortSha(sha)}</code>`;
  }
  function pullLink(number) {
    const url = links.pullRequest ? links.pullRequest.replace('{number}', encodeURIComponent(number)) : null;
    return url && safeUrl(url) ? html`<a href="${url}" data-testid="pull-link">pull request #${number}</a>`
      : html`pull request #${number}`;
  }

  // ---- history
  function commitItem(c) {
    const sha = shortSha(c.sha);
    const subject = (c.message || '').split('\n')[0];
    const t = new Date(c.time);
    const when = Number.isNaN(t.getTime()) ? '' : html`<time datetime="${c.time}" title="${c.time}">${clock(t)} · ${age(c.time)} ago</time>`;
    const link = c.url && safeUrl(c.url)
      ? html`<a href="${c.url}" data-testid="commit-link" title="${c.sha}"><code>${sha}</code></a>`
      : commitLink(c.sha);
    const pr = /^plans\/pr-(\d+):/.exec(subject);
    return html`<li data-testid="commit-${sha}">${link}<span class="subject">${subject}</span>
      ${pr ? html`<span class="pr">${pullLink(pr[1])}</span>` : ''}
      ${c.approvedCommit ? html`<span class="approved-commit">acting on ${commitLink(c.approvedCommit, 'approved-commit-link')}</span>` : ''}${when}</li>`;
  }

  // ---- views: #/ (overview), #/upgrade/NAME, #/node/NAME, #/history; the filter narrows node rows everywhere
  function route() {
    const m = /^#\/(upgrade|node|history)(?:\/(.+))?$/.exec(location.hash);
    return m ? { view: m[1], name: m[2] && decodeURIComponent(m[2]) } : { view: 'overview' };
  }

  function overview(data, rows) {
    return html`<section aria-labelledby="upgrades-title">
      <h2 id="upgrades-title">Upgrades</h2>
      <div id="upgrades" class="cards" data-testid="upgrades">${data.upgrades.length ? data.upgrades.map(upgradeCard)
        : html`<p class="empty">No upgrades.</p>`}</div>
    </section>
    <section aria-labelledby="nodes-title">
      <h2 id="nodes-title">Nodes</h2>
      <div id="nodes" data-testid="nodes">${renderNodes(rows, 'No node matches the filter.')}</div>
    </section>
    <section aria-labelledby="history-title">
      <h2 id="history-title">Recent status commits <a href="#/history" class="more">all</a></h2>
      <ol id="history" class="history" data-testid="history">${data.commits.length ? data.commits.slice(0, 20).map(commitItem)
        : html`<li class="empty">No status commits yet.</li>`}</ol>
    </section>`;
  }

  function upgradeView(data, rows, name) {
    const doc = data.upgrades.find((u) => u.metadata && u.metadata.name === name);
    if (!doc) return html`<p class="empty" data-testid="not-found">No upgrade named ${name} on the status branch.</p>`;
    const st = doc.status || {};
    const next = { AwaitingPromotion: `gitfleet promote ${name}`, Paused: `gitfleet resume ${name}`,
      Failed: `gitfleet rollback ${name}` }[st.phase];
    return html`<section data-testid="upgrade-view">
      <h2>Upgrade ${name}</h2>
      <div class="cards">${upgradeCard(doc)}</div>
      <dl class="facts-list">
        <dt>Approved commit</dt><dd data-testid="upgrade-commit">${commitLink(st.approvedCommit)}</dd>
        ${next ? html`<dt>Next</dt><dd data-testid="upgrade-next"><code>${next}</code></dd>` : ''}
      </dl>
      <h2>Nodes</h2>
      <div data-testid="nodes">${renderNodes(rows.filter((r) => r.upgrade === name), 'No node of this upgrade matches.')}</div>
    </section>`;
  }

  function nodeView(data, allRows, name) {
    const node = data.nodes.find((n) => n.name === name);
    const rows = allRows.filter((r) => r.name === name && r.upgrade);
    if (!node && rows.length === 0) return html`<p class="empty" data-testid="not-found">No node named ${name}.</p>`;
    const n = node || { name };
    const slot = (id, s) => s ? html`<tr data-testid="slot-${id}"><th>slot ${id}</th><td><code>${s.version || '?'}</code></td>
      <td>${s.state || ''}</td><td>${[n.slots.booted === id ? 'booted' : '', n.slots.active === id ? 'active' : '',
        n.slots.next === id ? 'next boot' : ''].filter(Boolean).join(', ')}</td></tr>` : '';
    const transitions = [];
    for (const doc of data.upgrades) {
      for (const e of (doc.status && doc.status.nodes) || []) {
        if (e.node !== name) continue;
        for (const t of e.transitions || []) transitions.push({ upgrade: doc.metadata.name, phase: t.phase, at: t.at });
      }
    }
    transitions.sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
    const task = n.task;
    return html`<section data-testid="node-view">
      <h2>Node ${name}</h2>
      <dl class="facts-list">
        <dt>Role</dt><dd>${n.role || '—'}</dd><dt>Datacenter</dt><dd>${n.datacenter || '—'}</dd>
        <dt>Labels</dt><dd>${Object.entries(n.labels || {}).map(([k, v]) => html`<code>${k}=${v}</code> `)}</dd>
        <dt>Last report</dt><dd data-testid="node-last-seen">${n.lastSeen ? `${age(n.lastSeen)} ago (${n.lastSeen})` : 'never'}</dd>
        <dt>Health</dt><dd data-testid="node-health">${!n.health ? '—' : n.health.healthy ? 'healthy'
          : html`<span class="unhealthy">unhealthy${n.health.message ? ': ' + n.health.message : ''}</span>`}</dd>
        <dt>Task</dt><dd data-testid="node-task">${task ? html`${task.upgrade} #${task.attempt} ${task.action || ''}
          <code>${task.version || ''}</code> ${badge(task.phase, 'task-phase')} ${task.failureReason
            ? html`<span class="failure">${task.failureReason}</span>` : task.message || ''}` : 'none'}</dd>
      </dl>
      <h2>Components</h2>
      <table data-testid="node-components"><tbody>${Object.entries(n.components || {}).sort().map(([c, v]) =>
        html`<tr><th>${c}</th><td><code>${v}</code></td></tr>`)}</tbody></table>
      ${n.slots ? html`<h2>Slots</h2><table data-testid="node-slots"><tbody>${slot('a', n.slots.a)}${slot('b', n.slots.b)}</tbody></table>` : ''}
      <h2>Upgrades</h2>
      <div data-testid="nodes">${renderNodes(rows, 'In no upgrade.')}</div>
      <h2>Transitions</h2>
      <ol class="history" data-testid="node-transitions">${transitions.length ? transitions.map((t) =>
        html`<li><span class="subject">${t.upgrade}: ${badge(t.phase, 'transition-phase')}</span><time datetime="${t.at}" title="${t.at}">${age(t.at)} ago</time></li>`)
        : html`<li class="empty">No transitions recorded.</li>`}</ol>
    </section>`;
  }

  function historyView(data) {
    return html`<section data-testid="history-view"><h2>Status history (rollout events; lease commits left out)</h2>
      <ol class="history" data-testid="history">${data.commits.length ? data.commits.map(commitItem)
        : html`<li class="empty">No status commits yet.</li>`}</ol></section>`;
  }

  // ---- polling and rendering
  let last = null;
  function render(data) {
    last = data;
    const { fleet } = data;
    links = fleet.links || {};
    reference = Number.isNaN(Date.parse(fleet.generatedAt)) ? Date.now() : Date.parse(fleet.generatedAt);
    renderFleet(fleet);
    const needle = $('filter').value.trim().toLowerCase();
    const rows = nodeRows(data.upgrades, data.nodes).filter((r) => matches(r, needle));
    const r = route();
    for (const a of document.querySelectorAll('nav a')) a.classList.toggle('current', a.dataset.view === r.view);
    put($('view'), r.view === 'upgrade' ? upgradeView(data, rows, r.name)
      : r.view === 'node' ? nodeView(data, rows, r.name)
        : r.view === 'history' ? historyView(data) : overview(data, rows));
  }

  async function getJson(path) {
    const res = await fetch(path, {
      cache: 'no-store', headers: { Accept: 'application/json' }, signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
    });
    if (!res.ok) throw new Error(`HTTP ${res.status} from ${path}`);
    return res.json();
  }

  let lastUpdate = null;
  let timer = null;
  let busy = false;

  function problem(text) {
    const banner = $('unreachable');
    banner.textContent = text;
    banner.hidden = false;
    $('content').classList.add('stale');
  }

  async function refresh() {
    if (busy) return;
    busy = true;
    clearTimeout(timer);
    try {
      let data;
      try {
        const [fleet, upgrades, nodes, history] = await Promise.all(['/api/v1/fleet', '/api/v1/upgrades',
          '/api/v1/nodes', `/api/v1/history?limit=${route().view === 'history' ? 200 : 20}`].map(getJson));
        data = { fleet, upgrades: upgrades.upgrades || [], nodes: nodes.nodes || [], commits: history.commits || [] };
      } catch (e) {
        problem(`Reconciler unreachable — last update ${lastUpdate ? clock(lastUpdate) : 'never'} (${e.message})`);
        return;
      }
      lastUpdate = new Date();
      try {
        render(data);
        $('unreachable').hidden = true;
        $('content').classList.remove('stale');
        setText('updated', `updated ${clock(lastUpdate)}`);
      } catch (e) {
        console.error(e);
        problem(`The dashboard could not show the reconciler's answer: ${e.message}`);
      }
    } finally {
      busy = false;
      timer = setTimeout(refresh, POLL_MS);
    }
  }

  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') refresh();
  });
  // a new view or filter renders at once from what the page holds; the next poll brings fresh data
  window.addEventListener('hashchange', () => { if (last) render(last); if (route().view === 'history') refresh(); });
  $('filter').addEventListener('input', () => { if (last) render(last); });
  refresh();
})();
