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
      <div class="card-head"><h3>${name}</h3>${badge(st.phase, 'upgrade-phase')}
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

  // ---- nodes: one row per node, showing the upgrade that matters most for it right now
  function nodeRows(upgrades, inventory) {
    const byName = new Map(inventory.map((n) => [n.name, { node: n, entries: [] }]));
    upgrades.forEach((doc, index) => {
      const st = doc.status || {};
      for (const e of st.nodes || []) {
        if (!byName.has(e.node)) byName.set(e.node, { node: { name: e.node, role: e.role }, entries: [] });
        byName.get(e.node).entries.push({
          upgrade: doc.metadata && doc.metadata.name, active: ACTIVE_UPGRADES.has(st.phase),
          component: st.component, resolved: st.resolvedVersion, e, index,
        });
      }
    });
    return [...byName.values()].map(({ node, entries }) => {
      const task = node.task;
      const rank = (x) => [task && task.upgrade === x.upgrade ? 0 : 1,
        URGENT.has(x.e.phase) ? NODE_PHASES.indexOf(x.e.phase) : 99, x.active ? 0 : 1, x.index];
      const pick = entries.map((x) => [rank(x), x]).sort(([a], [b]) => byKeys(a, b)).map(([, x]) => x)[0];
      const e = pick ? pick.e : {};
      const upgrade = pick ? pick.upgrade : task && task.upgrade;
      const live = task && task.upgrade === upgrade ? task : null;
      let phase = pick ? e.phase : (live && live.phase) || IDLE;
      if (live && live.phase && IN_FLIGHT.includes(phase)) phase = live.phase; // the agent's report is fresher
      const component = (pick && pick.component) || 'os';
      const current = (node.components && node.components[component]) || e.from;
      const target = e.to || (pick && pick.resolved) || (live && live.version);
      return {
        name: node.name, role: node.role || e.role, upgrade, phase, current, target, order: e.order,
        canary: e.canary, lastSeen: node.lastSeen, health: node.health,
        failure: e.failureReason || (live && live.failureReason),
        message: (live && IN_FLIGHT.includes(phase) && live.message) || e.message || (live && live.message),
        bytesDone: live && live.bytesDone, bytesTotal: live && live.bytesTotal,
      };
    });
  }

  function nodeRow(r) {
    const version = r.target && r.current !== r.target
      ? html`<code>${r.current || '?'}</code> → <code>${r.target}</code>` : html`<code>${r.current || '?'}</code>`;
    const progress = r.bytesTotal > 0 && r.bytesDone != null
      ? html`<progress class="bytes" max="${r.bytesTotal}" value="${Math.min(r.bytesDone, r.bytesTotal)}"></progress>
        <div class="bytes-text">${bytes(r.bytesDone)} / ${bytes(r.bytesTotal)} (${Math.floor(100 * r.bytesDone / r.bytesTotal)}%)</div>`
      : '';
    const unhealthy = r.health && r.health.healthy === false
      ? html`<div class="unhealthy">unhealthy${r.health.message ? ': ' + r.health.message : ''}</div>` : '';
    return html`<tr id="node-${r.name}" data-testid="node-${r.name}">
      <td class="name">${r.name}${r.canary ? html` <span class="badge" title="canary">canary</span>` : ''}</td>
      <td>${r.role || ''}</td>
      <td data-testid="node-upgrade">${r.upgrade || '—'}</td>
      <td class="version" data-testid="node-version">${version}</td>
      <td>${badge(r.phase, 'node-phase')}</td>
      <td data-testid="node-progress">${progress}</td>
      <td class="col-msg" data-testid="node-message">${r.failure ? html`<div class="failure">${r.failure}</div>` : ''}
        ${r.message ? html`<div>${r.message}</div>` : ''}${unhealthy}</td>
      <td class="seen" data-testid="node-seen">${r.lastSeen ? `${age(r.lastSeen)} ago` : 'never'}</td>
    </tr>`;
  }

  function renderNodes(upgrades, inventory) {
    const rows = nodeRows(upgrades, inventory);
    if (rows.length === 0) return html`<p class="empty">No nodes.</p>`;
    const phases = [...NODE_PHASES, ...new Set(rows.map((r) => r.phase).filter((p) => !NODE_PHASES.includes(p) && p !== IDLE)), IDLE];
    const groups = phases.map((phase) => [phase, rows.filter((r) => r.phase === phase)
      .sort((a, b) => (a.upgrade || '').localeCompare(b.upgrade || '') || (a.order ?? 1e9) - (b.order ?? 1e9)
        || a.name.localeCompare(b.name))]).filter(([, list]) => list.length);
    return html`<table>
      <thead><tr><th>Node</th><th>Role</th><th>Upgrade</th><th>Version</th><th>Phase</th><th>Progress</th>
        <th>Message</th><th>Last seen</th></tr></thead>
      ${groups.map(([phase, list]) => html`<tbody class="group" data-testid="phase-group-${phase}">
        <tr class="group-head"><th colspan="8">${badge(phase, 'group-phase')} <span class="count">${list.length}</span></th></tr>
        ${list.map(nodeRow)}</tbody>`)}
    </table>`;
  }

  // ---- history
  function commitItem(c) {
    const sha = shortSha(c.sha);
    const subject = (c.message || '').split('\n')[0];
    const t = new Date(c.time);
    const when = Number.isNaN(t.getTime()) ? '' : html`<time datetime="${c.time}" title="${c.time}">${clock(t)} · ${age(c.time)} ago</time>`;
    const link = c.url && safeUrl(c.url)
      ? html`<a href="${c.url}" data-testid="commit-link" title="${c.sha}"><code>${sha}</code></a>`
      : html`<code title="${c.sha}">${sha}</code>`;
    return html`<li data-testid="commit-${sha}">${link}<span class="subject">${subject}</span>${when}</li>`;
  }

  // ---- polling
  function render({ fleet, upgrades, nodes, commits }) {
    reference = Number.isNaN(Date.parse(fleet.generatedAt)) ? Date.now() : Date.parse(fleet.generatedAt);
    renderFleet(fleet);
    put($('upgrades'), upgrades.length ? upgrades.map(upgradeCard) : html`<p class="empty">No upgrades.</p>`);
    put($('nodes'), renderNodes(upgrades, nodes));
    put($('history'), commits.length ? commits.map(commitItem) : html`<li class="empty">No status commits yet.</li>`);
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
          '/api/v1/nodes', '/api/v1/history?limit=20'].map(getJson));
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
  refresh();
})();
