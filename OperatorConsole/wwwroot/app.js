// The operator console: plain DOM, polling /api every second, and a server-sent event stream for
// the leaderboard. Every value is set as text, never as markup; charts are drawn with SVG and CSS.
const $ = (selector) => document.querySelector(selector);
const api = async (path, method = 'GET') => {
  const response = await fetch(path, { method });
  if (response.status === 401) { location.href = '/login'; throw new Error('logged out'); }
  return response.json();
};
const element = (tag, text, className) => { const e = document.createElement(tag); e.textContent = text ?? ''; if (className) e.className = className; return e; };
const cell = (text) => element('td', text);
const row = (...cells) => { const tr = document.createElement('tr'); cells.forEach(c => tr.append(c)); return tr; };
const money = (minor, currency) => `${(minor / 100).toLocaleString('en-US', { minimumFractionDigits: 2 })} ${currency}`;
const svg = (tag, attributes) => {
  const e = document.createElementNS('http://www.w3.org/2000/svg', tag);
  Object.entries(attributes).forEach(([k, v]) => e.setAttribute(k, v));
  return e;
};

let tab = 'program';
document.querySelectorAll('nav button').forEach(b => b.addEventListener('click', () => {
  tab = b.dataset.tab;
  document.querySelectorAll('nav button').forEach(x => x.setAttribute('aria-selected', x === b));
  document.querySelectorAll('main section').forEach(s => s.hidden = s.id !== tab);
  refresh();
}));

// Votes per minute: one bar a minute, the current (unfinished) minute lighter.
function drawVotes(votes) {
  const chart = $('#votes-chart');
  const max = Math.max(1, ...votes.perMinute.map(m => m.votes));
  const width = 600 / votes.perMinute.length;
  chart.replaceChildren(...votes.perMinute.map((m, i) => {
    const height = 110 * m.votes / max;
    const bar = svg('rect', { x: i * width + 1, y: 120 - height, width: width - 2, height, 'data-votes': m.votes });
    if (i === votes.perMinute.length - 1) bar.classList.add('current');
    bar.append(svg('title', {}));
    bar.firstChild.textContent = `${new Date(m.minute).toLocaleTimeString()}: ${m.votes} votes`;
    return bar;
  }));
  $('#votes-this-minute').textContent = `this minute: ${votes.perMinute.at(-1).votes} votes`;
  $('#votes-per-second').textContent = votes.perSecond.toFixed(1);
}

// The budget as one bar: awarded and paid, awarded and owed, forfeited, and what remains.
function drawLedger(p) {
  const parts = [
    ['Disbursed', p.disbursedMinor, '#137333'],
    ['Outstanding', p.outstandingMinor, '#3d7be0'],
    ['Forfeited', p.forfeitedMinor, '#b3261e'],
    ['Remaining', p.remainingMinor, '#c9d1e0'],
  ];
  const total = Math.max(1, p.budgetMinor);
  $('#ledger-bar').replaceChildren(...parts.map(([name, minor, color]) => {
    const span = element('span');
    span.style.width = `${100 * minor / total}%`;
    span.style.background = color;
    span.title = `${name}: ${money(minor, p.currency)}`;
    span.dataset.part = name.toLowerCase();
    return span;
  }));
  $('#ledger').replaceChildren(element('span', `Budget: ${money(p.budgetMinor, p.currency)}`), element('span', `Awarded: ${money(p.awardedMinor, p.currency)}`),
    ...parts.map(([name, minor, color]) => {
      const span = element('span', `${name}: ${money(minor, p.currency)}`);
      const swatch = element('i');
      swatch.style.background = color;
      span.prepend(swatch);
      return span;
    }));
}

let board = { key: null, source: null };
function watchBoard(cycleId) {
  const choice = $('#board-kind').value;
  const key = `${cycleId}|${choice}`;
  if (board.key === key) return;
  board.source?.close();
  const [kind, value] = choice.split(':');
  const query = kind === 'tier' ? `&tier=${encodeURIComponent(value)}` : kind === 'category' ? `&category=${encodeURIComponent(value)}` : '';
  const source = new EventSource(`/api/leaderboard?cycle=${cycleId}${query}`);
  source.onmessage = (e) => {
    const entries = JSON.parse(e.data);
    const max = Math.max(1, ...entries.map(x => x.votes));
    $('#leaderboard').replaceChildren(...entries.map(x => {
      const bar = element('div', '', 'bar');
      bar.style.width = `${100 * x.votes / max}%`;
      const barCell = cell();
      barCell.append(bar);
      const tr = row(cell(x.rank), cell(x.title), cell(x.votes), barCell);
      tr.dataset.idea = x.ideaId;
      return tr;
    }));
  };
  board = { key, source };
}
$('#board-kind').addEventListener('change', () => board.key = null);

async function refreshProgram() {
  const chosen = $('#program-select').value;
  const [view, votes] = await Promise.all([api(`/api/program${chosen ? `?program=${chosen}` : ''}`), api('/api/votes')]);
  drawVotes(votes);
  const select = $('#program-select');
  if (select.options.length !== view.programs.length) {
    select.replaceChildren(...view.programs.map(p => new Option(p.name, p.id)));
  }
  if (!view.program) return;
  select.value = view.program.id;
  drawLedger(view.program);
  $('#moderation-queue').textContent = view.moderationQueue;
  $('#ideas-by-status').replaceChildren(...Object.entries(view.ideasByStatus).map(([status, n]) => element('div', `${status}: ${n}`)));
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
  $('#failed').replaceChildren(...bus.failed.map(f => {
    const first = f.problem ?? f.first.map(e => `${e.eventType} ${e.eventId ?? ''} (${e.failedAt ?? ''}): ${e.reason}`).join('\n');
    const replay = element('button', 'Replay');
    replay.addEventListener('click', async () => {
      replay.disabled = true;
      const done = await api(`/api/bus/replay?queue=${encodeURIComponent(f.queue)}`, 'POST');
      replay.textContent = `Replayed ${done.replayed}`;
    });
    const tr = row(cell(f.queue), cell(f.count), element('td', first, 'failures'), element('td'));
    tr.lastChild.append(replay);
    tr.dataset.queue = f.queue;
    return tr;
  }));
  $('#outbox').replaceChildren(...bus.outbox.map(o => {
    const tr = row(cell(o.service), cell(o.backlog < 0 ? o.problem : o.backlog), cell(o.oldestSeconds.toFixed(1)), cell(o.setAside));
    tr.dataset.service = o.service;
    return tr;
  }));
}

async function refresh() {
  try {
    await ({ program: refreshProgram, bus: refreshBus })[tab]();
  } catch (e) { console.warn(e); }
}
refresh();
setInterval(refresh, 1000);
