// The work order of the agent's call: shown from the answer through the wrap-up, filed with `wrapUp`. It offers
// exactly what the server's parser takes (kinds, categories and dispositions come with the page from the domain);
// the department is asked only with `dispatched` and the earlier ticket only with `repeat`, as the server requires.
// The server has the last word: its problems are shown beside the fields they name.

import { $, config, label, message, setText, show, showError, fillSelect } from './desk-common.js';
import { problemsByField, workOrderPayload } from './desk-format.js';

const FIELDS = ['kind', 'category', 'matter', 'disposition', 'department', 'repeatOf', 'note'];
const MAX = { matter: config.limits.matter, department: config.limits.department, note: config.limits.note };

const form = { callId: null, mode: 'during', sending: false, request: null, onFiled: null };

export function initWorkOrder({ request, onFiled }) {
  form.request = request;
  form.onFiled = onFiled;
  for (const [field, max] of Object.entries(MAX)) $(`wo-${field}`).maxLength = max;
  setText($('wo-matter-hint'), 'wo.matterHint', { max: MAX.matter });
  $('wo-disposition').addEventListener('change', showConditionalFields);
  $('wo-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void submit();
  });
  $('wo-discard').addEventListener('click', closeWorkOrder);
}

/** Option labels in the page's language (again after a switch; the chosen values stay). */
export function renderWorkOrderTexts() {
  fillSelect($('wo-kind'), config.kinds, (value) => label('kind', value), 'wo.choose');
  fillSelect($('wo-category'), config.categories, (value) => label('category', value), 'wo.choose');
  fillSelect($('wo-disposition'), config.dispositions, (value) => label('disposition', value), 'wo.choose');
}

export function workOrderCallId() {
  return form.callId;
}

export function workOrderMode() {
  return form.mode;
}

export function workOrderSending() {
  return form.sending;
}

/** A fresh form for the call of `pop` (with `draft`, the values typed before a reconnection). */
export function openWorkOrder(pop, draft) {
  form.callId = pop.callId;
  renderWorkOrderTexts();
  const values = {
    kind: '',
    category: config.categories.includes(pop.category) ? pop.category : '',
    matter: '',
    disposition: '',
    department: '',
    repeatOf: pop.earlierTicket ?? '',
    note: '',
    ...draft,
  };
  for (const field of FIELDS) $(`wo-${field}`).value = values[field];
  clearProblems();
  message('wo-message', null);
  showConditionalFields();
  show('work-order', true);
}

export function closeWorkOrder() {
  form.callId = null;
  clearProblems();
  show('work-order', false);
}

export function workOrderValues() {
  return Object.fromEntries(FIELDS.map((field) => [field, $(`wo-${field}`).value]));
}

export function workOrderHasContent() {
  return $('wo-matter').value.trim() !== '' || $('wo-note').value.trim() !== '';
}

/**
 * `during` the call (filed once it has ended), `after` it (wrap-up), or `late`: the wrap-up ran out and the gateway
 * filed an order to follow up, which what the agent files now is added to.
 */
export function setWorkOrderMode(mode) {
  form.mode = mode;
  $('wo-submit').disabled = mode === 'during' || form.sending;
  show('wo-after-call', mode === 'during');
  show('wo-late', mode === 'late');
  show('wo-discard', mode === 'late');
}

function showConditionalFields() {
  const disposition = $('wo-disposition').value;
  show('wo-department-field', disposition === 'dispatched');
  show('wo-repeatOf-field', disposition === 'repeat');
}

function clearProblems() {
  show('wo-problems', false);
  message('wo-problem-other', null);
  for (const field of FIELDS) {
    message(`wo-${field}-error`, null);
    $(`wo-${field}`).removeAttribute('aria-invalid');
  }
}

function showProblems(byField) {
  let first = null;
  for (const field of FIELDS) {
    if (byField[field] === undefined) continue;
    message(`wo-${field}-error`, `field.${field}`, { max: MAX[field] ?? '' });
    $(`wo-${field}`).setAttribute('aria-invalid', 'true');
    first ??= $(`wo-${field}`);
  }
  if (byField.other !== undefined) message('wo-problem-other', 'field.other');
  show('wo-problems', true);
  (first ?? $('wo-problems')).focus();
}

async function submit() {
  if (form.sending || form.callId === null || form.mode === 'during') return;
  clearProblems();
  message('wo-message', null);
  const callId = form.callId;
  form.sending = true;
  $('wo-submit').disabled = true;
  setText($('wo-submit'), 'wo.sending');
  // Always naming the call: a form left open must never file its text onto another call.
  const reply = await form.request({ type: 'wrapUp', workOrder: workOrderPayload(workOrderValues()), callId });
  form.sending = false;
  setText($('wo-submit'), 'wo.submit');
  setWorkOrderMode(form.mode);
  if (form.callId !== callId) return;
  if (reply.ok) {
    closeWorkOrder();
    form.onFiled(reply.workOrder);
  } else if (reply.error.code === 'invalid' && (reply.error.problems ?? []).length > 0) {
    showProblems(problemsByField(reply.error.problems));
  } else {
    showError('wo-message', reply.error);
  }
}
