// The dashboard page: plain DOM, polling the AppHost's /api every second and a server-sent
// event stream for the leaderboard. Every value is set as text, never as markup.
const $ = (selector) => document.querySelector(selector);
const api = async (path, options) => {
  const response = await fetch(path, options);
  if (response.status === 401) { location.href = '/login'; throw new Error('logged out'); }
  return response.json();
};
const cell = (text, className) => { const td = document.createElement('td'); td.textContent = text ?? ''; if (className) td.className = className; return td; };
const row = (...cells) => { const tr = document.createElement('tr'); cells.forEach(c => tr.append(c)); return tr; };
const money = (minor, currency) => `${(minor / 100).toLocaleString('en-US', { minimumFractionDigits: 2 })} ${currency}`;
const uptime = (s) => s == null ? '' : s < 60 ? `${s}s` : s < 3600 ? `${Math.floor(s / 60)}m ${s % 60}s` : `${Math.floor(s / 3600)}h ${Math.floor(s % 3600 / 60)}m`;

let tab = 'resources';
document.querySelectorAll('nav button').forEach(b => b.addEventListener('click', () => {
  tab = b.dataset.tab;
  document.querySelectorAll('nav button').forEach(x => x.setAttribute('aria-selected', x === b));
  document.querySelectorAll('main section').forEach(s => s.hidden = s.id !== tab);
  refresh();
}));

async function refreshResources() {
  const resources = await api('/api/resources');
  const body = $('#resources tbody');
  body.replaceChildren(...resources.map(r => {
    const actions = document.createElement('td');
    for (const action of ['stop', 'start', 'restart']) {
      const button = document.createElement('button');
      button.textContent = action[0].toUpperCase() + action.slice(1);
      button.setAttribute('aria-label', `${action} ${r.name}`);
      button.addEventListener('click', () => fetch(`/api/resources/${r.name}/${action}`, { method: 'POST' }).then(refresh));
      actions.append(button);
    }
    const tr = row(cell(r.name), cell(r.kind), cell(r.state, `state-${r.state}`), cell(r.endpoint), cell(r.pid), cell(uptime(r.uptimeSeconds)), cell(r.restarts), actions);
    tr.dataset.resource = r.name;
    return tr;
  }));
  const select = $('#log-resource');
  if (select.options.length === 0) {
    resources.forEach(r => select.add(new Option(r.name, r.name)));
  }
}

let log = { resource: null, next: 0, lines: [] };
async function refreshLogs() {
  const resource = $('#log-resource').value;
  if (!resource) return;
  if (log.resource !== resource) log = { resource, next: 0, lines: [] };
  const page = await api(`/api/logs/${resource}?from=${log.next}`);
  log.lines.push(...page.lines);
  log.next = page.next;
  const filter = $('#log-filter').value.toLowerCase();
  const pre = $('#log');
  const atBottom = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
  pre.textContent = log.lines.filter(l => !filter || l.toLowerCase().includes(filter)).join('\n');
  if (atBottom) pre.scrollTop = pre.scrollHeight;
}
$('#log-filter').addEventListener('input', refreshLogs);
$('#log-resource').addEventListener('change', refreshLogs);

let board = { key: null, source: null };
function watchBoard(cycleId) {
  const choice = $('#board-kind').value;
  const key = `${cycleId}|${choice}`;
  if (board.key === key) return;
  board.source?.close();
  const [kind, value] = choice.split(':');
  const query = kind === 'tier' ? `&tier=${encodeURIComponent(value)}` : kind === 'category' ? `&category=${encodeURIComponent(value)}` : '';
  const source = new EventSource(`/api/leaderboard?cycle=${cycleId}${query}`);
  source.onmessage = (e) => $('#leaderboard').replaceChildren(...JSON.parse(e.data).map(x => {
    const tr = row(cell(x.rank), cell(x.title), cell(x.votes));
    tr.dataset.idea = x.ideaId;
    return tr;
  }));
  board = { key, source };
}
$('#board-kind').addEventListener('change', () => board.key = null);

async function refreshProgram() {
  const chosen = $('#program-select').value;
  const view = await api(`/api/program${chosen ? `?program=${chosen}` : ''}`);
  const select = $('#program-select');
  if (select.options.length !== view.programs.length) {
    select.replaceChildren(...view.programs.map(p => new Option(p.name, p.id)));
  }
  if (!view.program) return;
  select.value = view.program.id;
  const p = view.program;
  $('#ledger').replaceChildren(...[['Budget', p.budgetMinor], ['Awarded', p.awardedMinor], ['Disbursed', p.disbursedMinor], ['Forfeited', p.forfeitedMinor],
    ['Outstanding', p.outstandingMinor], ['Remaining', p.remainingMinor]].map(([name, minor]) => {
    const div = document.createElement('div'); div.textContent = `${name}: ${money(minor, p.currency)}`; return div;
  }));
  $('#votes-per-second').textContent = view.votesPerSecond.toFixed(1);
  $('#moderation-queue').textContent = view.moderationQueue;
  $('#ideas-by-status').replaceChildren(...Object.entries(view.ideasByStatus).map(([status, n]) => {
    const div = document.createElement('div'); div.textContent = `${status}: ${n}`; return div;
  }));
  const c = view.cycle;
  if (!c) return;
  $('#cycle-name').textContent = c.name;
  $('#cycle-phase').textContent = `Phase: ${c.phase}`;
  const day = (d) => d ? new Date(d).toLocaleString() : '–';
  $('#cycle-dates').textContent = `Opened ${day(c.openedAt)}; submissions close ${day(c.submissionsCloseAt)}; vote ${day(c.votingOpensAt)} to ${day(c.closesAt)}`;
  const kinds = $('#board-kind');
  if (kinds.options.length === 1) {
    c.tiers.forEach(t => kinds.add(new Option(`Tier ${t}`, `tier:${t}`)));
    ['Health', 'ArtsAndCulture', 'FoodAndShelter', 'ThePlanet', 'Neighborhoods', 'Education'].forEach(cat => kinds.add(new Option(cat, `category:${cat}`)));
  }
  watchBoard(c.id);
}

async function refreshBus() {
  const bus = await api('/api/bus');
  $('#bus-problem').textContent = bus.problem ?? '';
  $('#queues').replaceChildren(...bus.queues.map(q => row(cell(q.name), cell(q.messages), cell(q.consumers), cell(q.publishRate.toFixed(1)), cell(q.deliverRate.toFixed(1)))));
  $('#outbox').replaceChildren(...bus.outbox.map(o => row(cell(o.service), cell(o.backlog < 0 ? o.problem : o.backlog))));
}

async function refreshTelemetry() {
  const t = await api('/api/telemetry');
  $('#otlp-endpoint').textContent = t.otlpEndpoint || 'nowhere yet (OTEL_EXPORTER_OTLP_ENDPOINT is not set)';
  $('#otlp-howto').textContent = t.howTo;
}

async function refresh() {
  try {
    await ({ resources: refreshResources, logs: refreshLogs, program: refreshProgram, bus: refreshBus, telemetry: refreshTelemetry })[tab]();
    if (tab === 'logs' && $('#log-resource').options.length === 0) { await refreshResources(); await refreshLogs(); }
  } catch (e) { console.warn(e); }
}
refresh();
setInterval(refresh, 1000);
