// The agents' desktop: the agent's state and its controls, the screen pop of their call, the call's controls and its
// work order. Everything shown comes from the server's `agent` and `call` messages of the current connection; the
// page only remembers, across a reconnection, what the agent typed into the work order of a call the server still
// says is theirs.

import { $, announce, config, fillSelect, label, message, onLanguage, show, showError, skillLabel, startDesk, t } from './desk-common.js';
import { allows } from './desk-format.js';
import { renderPop } from './desk-pop.js';
import {
  closeWorkOrder,
  initWorkOrder,
  openWorkOrder,
  renderWorkOrderTexts,
  setWorkOrderMode,
  workOrderCallId,
  workOrderHasContent,
  workOrderMode,
  workOrderSending,
  workOrderValues,
} from './desk-work-order.js';

/** The choice that opens the field for a reason of the agent's own (not a reason itself). */
const OTHER_REASON = '*other';

const desk = { session: null, agent: undefined, call: { phase: 'none', pop: null }, queue: null };
const local = { filed: null, draft: null, busy: false };

onLanguage(render);
const connection = startDesk({ onReset, onHello, onMessage, onSignedOut });
initWorkOrder({ request: (body) => connection.request(body), onFiled });

function onReset() {
  if (workOrderCallId() !== null && workOrderMode() !== 'late') local.draft = { callId: workOrderCallId(), values: workOrderValues() };
  closeWorkOrder();
  desk.agent = undefined;
  desk.call = { phase: 'none', pop: null };
  desk.queue = null;
  local.filed = null;
  for (const id of ['agent-message', 'call-message']) message(id, null);
  render();
}

function onHello(hello) {
  desk.session = hello.session;
  render();
}

function onMessage(data) {
  if (data.type === 'agent') {
    desk.agent = data.agent;
  } else if (data.type === 'call') {
    if (data.pop?.callId !== desk.call.pop?.callId) message('call-message', null);
    // A screen reader hears the call come, be answered and end, as a sighted agent sees the phase change.
    if (data.phase !== desk.call.phase && data.phase !== 'none') announce(t(`call.phase.${data.phase}`));
    desk.call = { phase: data.phase, pop: data.pop };
    followCall();
  } else if (data.type === 'queue') {
    desk.queue = data.queue;
  } else {
    return;
  }
  render();
}

function onSignedOut() {
  desk.session = null;
  local.draft = null;
  closeWorkOrder();
  show('desk', false);
}

function onFiled(workOrder) {
  local.filed = workOrder.ticket;
  announce(`${t('wo.filed')}: ${workOrder.ticket}`);
  render();
}

/** The work order follows the call: opened at the answer, kept through the wrap-up, and past it if typed into. */
function followCall() {
  const { phase, pop } = desk.call;
  if ((phase === 'answered' || phase === 'ended') && pop !== null) {
    if (workOrderCallId() !== pop.callId) {
      openWorkOrder(pop, local.draft?.callId === pop.callId ? local.draft.values : undefined);
      local.filed = null;
    }
    local.draft = null;
    setWorkOrderMode(phase === 'answered' ? 'during' : 'after');
    return;
  }
  if (phase === 'offered') local.filed = null;
  if (phase === 'none' && workOrderCallId() !== null && !workOrderSending()) {
    if (workOrderHasContent()) setWorkOrderMode('late');
    else closeWorkOrder();
  }
}

function render() {
  show('desk', desk.session !== null);
  if (desk.session === null) return;
  const supervisor = desk.session.role === 'supervisor';
  show('supervisor-note', supervisor);
  show('call-panel', !supervisor);
  renderAgent(supervisor);
  renderCall();
  renderWorkOrderTexts();
  fillSelect($('pause-reason'), [...config.pauseReasons, OTHER_REASON], (value) => (value === OTHER_REASON ? t('pause.other') : label('reason', value)));
  fillSelect($('transfer-skill'), ['', ...config.transferSkills], (value) => (value === '' ? t('call.transferSame') : skillLabel(value)));
  showOtherReason();
}

function renderAgent(supervisor) {
  const agent = desk.agent;
  show('agent-loading', !supervisor && agent === undefined);
  show('agent-out', !supervisor && agent === null);
  show('agent-in', !supervisor && agent !== undefined && agent !== null);
  if (agent === undefined || agent === null) return;
  const badge = $('agent-state');
  badge.textContent = label('state', agent.state);
  badge.dataset.state = agent.state;
  $('agent-reason').textContent = agent.state === 'paused' && agent.reason !== null ? label('reason', agent.reason) : '';
  $('agent-duration').dataset.since = agent.since;
  $('agent-endpoint').textContent = agent.endpoint;
  const queueLine = $('queue-line');
  queueLine.hidden = desk.queue === null;
  if (desk.queue !== null) queueLine.textContent = t('agent.queue', { waiting: desk.queue.waiting });
  $('agent-skills').textContent = agent.skillsText;
  $('ready').disabled = local.busy || agent.state === 'ready' || !allows(config.transitions, 'ready', agent.state);
  $('pause').disabled = local.busy || !allows(config.transitions, 'pause', agent.state);
  $('pause-reason').disabled = $('pause').disabled;
  $('leave').disabled = local.busy || !allows(config.transitions, 'logout', agent.state);
}

function renderCall() {
  const { phase, pop } = desk.call;
  show('filed', local.filed !== null);
  $('filed-ticket').textContent = local.filed ?? '';
  const showing = phase !== 'none' && pop !== null;
  show('call-none', !showing);
  show('call', showing);
  const left = $('wrap-up-left');
  const wrapping = showing && phase === 'ended' && desk.agent?.state === 'wrapUp' && config.wrapUpSeconds > 0;
  left.hidden = !wrapping;
  if (wrapping) {
    left.dataset.t = 'call.wrapUpLeft';
    left.dataset.until = new Date(Date.parse(desk.agent.since) + config.wrapUpSeconds * 1000).toISOString();
  } else {
    delete left.dataset.until;
  }
  if (!showing) return;
  $('call').dataset.phase = phase;
  $('call-phase').textContent = t(`call.phase.${phase}`);
  renderPop(pop, phase);
  show('call-actions', phase === 'answered');
  $('hangup').disabled = local.busy;
  $('transfer').disabled = local.busy;
}

function showOtherReason() {
  const other = $('pause-reason').value === OTHER_REASON;
  show('pause-other-field', other);
  $('pause-other').maxLength = config.limits.pauseReason;
}

/** Sends one request for the agent; its refusal is shown in `messageId`. */
async function act(body, messageId) {
  message(messageId, null);
  local.busy = true;
  render();
  const reply = await connection.request(body);
  local.busy = false;
  render();
  if (!reply.ok) showError(messageId, reply.error);
  return reply.ok;
}

$('join').addEventListener('click', () => void act({ type: 'login' }, 'agent-message'));
$('ready').addEventListener('click', () => void act({ type: 'ready' }, 'agent-message'));
$('leave').addEventListener('click', () => void act({ type: 'logout' }, 'agent-message'));
$('pause-reason').addEventListener('change', showOtherReason);
$('pause-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const chosen = $('pause-reason').value;
  const reason = chosen === OTHER_REASON ? $('pause-other').value.trim() : chosen;
  if (reason === '') {
    message('pause-other-error', 'pause.otherRequired', { max: config.limits.pauseReason });
    $('pause-other').setAttribute('aria-invalid', 'true');
    $('pause-other').focus();
    return;
  }
  message('pause-other-error', null);
  $('pause-other').removeAttribute('aria-invalid');
  void act({ type: 'pause', reason }, 'agent-message');
});
$('hangup').addEventListener('click', () => void act({ type: 'hangup' }, 'call-message'));
$('transfer').addEventListener('click', async () => {
  const skill = $('transfer-skill').value;
  if (await act(skill === '' ? { type: 'transfer' } : { type: 'transfer', skill }, 'call-message')) {
    message('call-message', 'call.transferred');
    announce(t('call.transferred'));
  }
});
