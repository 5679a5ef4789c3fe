// The supervisor view: the floor as the server's `floor` and `queue` messages show it (agents by state, waiting
// calls, today's counts, the service level), ticking between them on the server's clock; a supervisor may pause an
// agent or log them out, after confirming. An agent who opens this page is told it is not theirs (the server sends
// them no floor and refuses the actions anyway).

import { $, announce, config, el, fillSelect, label, lang, message, onLanguage, show, showError, skillLabel, startDesk, t } from './desk-common.js';
import { allows, formatClock, formatDuration, formatPercent } from './desk-format.js';

/** States in the order a floor is read: who can take a call, who is busy with one, who is away. */
const STATE_ORDER = ['ready', 'reserved', 'ringing', 'onCall', 'wrapUp', 'paused', 'offline'];

const floor = { session: null, queue: null, agents: null, waitingCalls: null };
const pending = { action: null, agentId: null };

onLanguage(render);
const connection = startDesk({ onReset, onHello, onMessage, onSignedOut });

function onReset() {
  floor.queue = null;
  floor.agents = null;
  floor.waitingCalls = null;
  if ($('confirm').open) $('confirm').close('cancel');
  message('floor-message', null);
  render();
}

function onHello(hello) {
  floor.session = hello.session;
  render();
}

function onMessage(data) {
  if (data.type === 'floor') {
    floor.queue = data.floor.queue;
    floor.agents = data.floor.agents;
    floor.waitingCalls = data.floor.waitingCalls;
  } else if (data.type === 'queue') {
    floor.queue = data.queue;
  } else {
    return;
  }
  render();
}

function onSignedOut() {
  floor.session = null;
  if ($('confirm').open) $('confirm').close('cancel');
  show('floor', false);
  show('only-supervisors', false);
}

function render() {
  const supervisor = floor.session?.role === 'supervisor';
  show('only-supervisors', floor.session !== null && !supervisor);
  show('floor', supervisor);
  fillSelect($('confirm-reason'), config.pauseReasons, (value) => label('reason', value));
  if (!supervisor) return;
  renderFigures();
  renderAgents();
  renderCalls();
}

function renderFigures() {
  const queue = floor.queue;
  const calls = floor.waitingCalls ?? [];
  $('fig-waiting').textContent = queue === null ? '–' : String(queue.waiting);
  // The oldest waiting call's wait ticks; with none, nobody is waiting.
  const oldest = calls.reduce((first, call) => (first === null || call.enqueuedAt < first.enqueuedAt ? call : first), null);
  const longest = $('fig-longest');
  if (oldest !== null) longest.dataset.since = oldest.enqueuedAt;
  else {
    delete longest.dataset.since;
    longest.textContent = formatDuration(queue?.longestWaitSeconds ?? 0);
  }
  $('fig-answered').textContent = queue === null ? '–' : String(queue.today.answered);
  $('fig-abandoned').textContent = queue === null ? '–' : String(queue.today.abandoned);
  $('fig-service-level-label').textContent = t('sup.serviceLevel', { seconds: queue?.serviceLevelThresholdSeconds ?? 20 });
  $('fig-service-level').textContent = queue === null ? '–' : formatPercent(queue.serviceLevel);
  $('fig-service-level-meter').value = queue?.serviceLevel ?? 0;
  $('by-state').replaceChildren(
    ...STATE_ORDER.map((state) =>
      el('li', { attrs: { 'data-state': state } }, el('span', { className: 'state-badge', attrs: { 'data-state': state }, text: label('state', state) }), ' ', el('strong', { text: String(queue?.agentsByState[state] ?? 0) })),
    ),
  );
}

function renderAgents() {
  const agents = [...(floor.agents ?? [])].sort((a, b) => STATE_ORDER.indexOf(a.state) - STATE_ORDER.indexOf(b.state) || a.id.localeCompare(b.id));
  show('no-agents', agents.length === 0);
  show('agents', agents.length > 0);
  $('agent-rows').replaceChildren(
    ...agents.map((agent) =>
      el(
        'tr',
        { attrs: { 'data-agent': agent.id, 'data-state': agent.state } },
        el('th', { text: agent.id, attrs: { scope: 'row' } }),
        el('td', {}, el('span', { className: 'state-badge', attrs: { 'data-state': agent.state }, text: label('state', agent.state) })),
        el('td', { text: agent.state === 'paused' && agent.reason !== null ? label('reason', agent.reason) : '' }),
        el('td', { text: formatClock(agent.since, lang()) }),
        el('td', { className: 'duration', attrs: { 'data-since': agent.since } }),
        el('td', { text: agent.skillsText }),
        el('td', { className: 'row-actions' }, actionButton(agent, 'pause', 'sup.pause'), actionButton(agent, 'logout', 'sup.logout')),
      ),
    ),
  );
}

function actionButton(agent, action, key) {
  const button = el('button', {
    className: 'button small secondary',
    text: t(key),
    attrs: { type: 'button', 'data-action': action, 'aria-label': `${t(key)} ${agent.id}` },
    on: { click: () => confirmAction(action, agent.id) },
  });
  button.disabled = !allows(config.transitions, action, agent.state);
  return button;
}

function renderCalls() {
  const calls = floor.waitingCalls ?? [];
  show('no-calls', calls.length === 0);
  show('calls', calls.length > 0);
  $('call-rows').replaceChildren(
    ...calls.map((call) =>
      el(
        'tr',
        { attrs: { 'data-call': call.callId } },
        el('td', { text: formatClock(call.enqueuedAt, lang()) }),
        el('td', { className: 'duration', attrs: { 'data-since': call.enqueuedAt } }),
        el('td', { text: skillLabel(call.skill) }),
        el('td', { text: label('language', call.lang) }),
        el('td', { text: String(call.priority) }),
      ),
    ),
  );
}

function confirmAction(action, agentId) {
  pending.action = action;
  pending.agentId = agentId;
  $('confirm-text').textContent = t(action === 'pause' ? 'sup.confirmPause' : 'sup.confirmLogout', { agent: agentId });
  show('confirm-reason-field', action === 'pause');
  // Escape closes the dialog without touching returnValue: it must not keep the last confirmation's.
  $('confirm').returnValue = '';
  $('confirm').showModal();
}

$('confirm').addEventListener('close', async () => {
  const { action, agentId } = pending;
  pending.action = null;
  if ($('confirm').returnValue !== 'ok' || action === null) return;
  const body = action === 'pause' ? { type: 'pauseAgent', agentId, reason: $('confirm-reason').value } : { type: 'logoutAgent', agentId };
  const reply = await connection.request(body);
  if (!reply.ok) {
    showError('floor-message', reply.error);
    return;
  }
  const key = action === 'pause' ? 'sup.paused' : 'sup.loggedOut';
  message('floor-message', key, { agent: agentId });
  announce(t(key, { agent: agentId }));
});
