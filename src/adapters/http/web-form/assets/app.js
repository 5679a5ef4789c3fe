/* global document, window, navigator, crypto, fetch, FormData, URL, history */
// The citizen web form's script: plain JavaScript, no build step, nothing loaded from elsewhere. The server renders the
// page in one language and embeds both text tables (`#form-config`), so switching language here keeps what was typed.
// Every server answer is shown with textContent, never as HTML.

const config = JSON.parse(document.getElementById('form-config').textContent);
const texts = config.texts;
const limits = config.limits;
const TEXT_MAX = 5000;
const COMMENT_MAX = 500;
const PHONE = /^\+?[0-9]{3,20}$/;
const PHONE_SEPARATORS = /[\s\-().\u00B7]/g;
// Looser than the server's rule on purpose: the server has the last word and names the field.
const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;
const TICKET = /^[0-9]{9,20}$/;
/** Six digits are the PIN, four the phone's last digits (the server reads them the same way). */
const PROOF_DIGITS = /^(?:[0-9]{4}|[0-9]{6})$/;
const MEDIA_TYPE = /^(image|audio|video)\//;
/** The fields the server may name, each with its message and the control that shows it. */
const FIELDS = {
  text: { key: 'error.text', control: 'text' },
  kind: { key: 'error.kind', control: 'kind' },
  category: { key: 'error.category', control: 'category' },
  address: { key: 'error.address', control: 'address' },
  location: { key: 'error.location', control: 'locate' },
  name: { key: 'error.name', control: 'name' },
  phone: { key: 'error.phone', control: 'phone' },
  email: { key: 'error.email', control: 'email' },
  attachments: { key: 'error.attachments.invalid', control: 'files' },
};

const state = {
  lang: config.lang,
  idempotencyKey: newIdempotencyKey(),
  files: [],
  previews: new Map(),
  fileNotes: [],
  location: null,
  locateMessage: null,
  errors: [],
  result: null,
  status: null,
  statusMessage: null,
  ratingMessage: null,
  /** The text key of what is wrong with the proof typed into the status form, shown beside it. */
  proofError: null,
  /** The proof that opened the case shown: a rating of it carries the same. */
  statusProof: null,
  sending: false,
};

const $ = (id) => document.getElementById(id);
const has = (object, key) => Object.prototype.hasOwnProperty.call(object, key);
const form = $('submission-form');
const fileInput = $('files');

// ---- texts and language ----

function t(key, values) {
  const table = texts[state.lang];
  const text = has(table, key) ? table[key] : key;
  const all = { files: limits.files, size: formatBytes(limits.fileBytes), ...values };
  return text.replace(/\{([a-z]+)\}/g, (marker, name) => (has(all, name) ? String(all[name]) : marker));
}

function formatBytes(bytes) {
  const units = ['B', 'KB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${Math.round(value * 10) / 10} ${units[unit]}`;
}

function formatTime(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  // The hotline serves Beijing: times are Beijing time whatever the phone's own zone.
  return new Intl.DateTimeFormat(state.lang === 'zh' ? 'zh-CN' : 'en-GB', {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: 'Asia/Shanghai',
  }).format(date);
}

const otherLang = () => (state.lang === 'zh' ? 'en' : 'zh');
const htmlLang = (lang) => (lang === 'zh' ? 'zh-CN' : 'en');

function renderAll() {
  document.documentElement.lang = htmlLang(state.lang);
  document.title = t('page.title');
  for (const element of document.querySelectorAll('[data-t]')) element.textContent = t(element.dataset.t);
  const other = otherLang();
  const link = $('lang-switch');
  link.href = `?lang=${other}`;
  link.lang = htmlLang(other);
  link.hreflang = other;
  renderFiles();
  renderLocation();
  renderErrors();
  renderResult();
  renderStatus();
}

$('lang-switch').addEventListener('click', (event) => {
  event.preventDefault();
  state.lang = otherLang();
  const url = new URL(window.location.href);
  url.searchParams.set('lang', state.lang);
  history.replaceState(null, '', url);
  renderAll();
  $('lang-switch').focus();
});

// ---- idempotency ----

/** One per request, kept across resends of it: the server answers a resend with the first ticket. */
function newIdempotencyKey() {
  // randomUUID exists only on HTTPS (and localhost); getRandomValues everywhere.
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// ---- attachments ----

fileInput.addEventListener('change', () => {
  const notes = [];
  for (const file of Array.from(fileInput.files)) {
    const name = file.name;
    if (state.files.some((f) => f.name === file.name && f.size === file.size && f.lastModified === file.lastModified)) continue;
    if (state.files.length >= limits.files) notes.push(['files.tooMany', { name }]);
    else if (file.size === 0) notes.push(['files.empty', { name }]);
    else if (file.size > limits.fileBytes) notes.push(['files.tooLarge', { name }]);
    // An empty type is common for voice notes (.amr): the server decides from the bytes.
    else if (file.type !== '' && !MEDIA_TYPE.test(file.type)) notes.push(['files.badType', { name }]);
    else state.files.push(file);
  }
  // The list below is what gets sent; clearing the input lets the same picker add more files.
  fileInput.value = '';
  state.fileNotes = notes;
  clearFieldError('attachments');
  renderFiles();
});

function renderFiles() {
  const list = $('file-list');
  list.replaceChildren();
  for (const [index, file] of state.files.entries()) {
    const item = document.createElement('li');
    if (file.type.startsWith('image/')) {
      if (!state.previews.has(file)) state.previews.set(file, URL.createObjectURL(file));
      const img = document.createElement('img');
      img.src = state.previews.get(file);
      img.alt = '';
      item.append(img);
    }
    const label = document.createElement('span');
    label.className = 'file-name';
    label.textContent = `${file.name} (${formatBytes(file.size)})`;
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.className = 'button secondary small';
    remove.textContent = '×';
    remove.setAttribute('aria-label', t('files.remove', { name: file.name }));
    remove.addEventListener('click', () => {
      state.files.splice(index, 1);
      forgetPreview(file);
      renderFiles();
      fileInput.focus();
    });
    item.append(label, remove);
    list.append(item);
  }
  $('files-status').textContent = state.fileNotes.map(([key, values]) => t(key, values)).join(' ');
}

function forgetPreview(file) {
  const url = state.previews.get(file);
  if (url !== undefined) URL.revokeObjectURL(url);
  state.previews.delete(file);
}

// ---- location ----

$('locate').addEventListener('click', () => {
  clearFieldError('location');
  if (!window.isSecureContext || !('geolocation' in navigator)) {
    state.locateMessage = ['locate.unavailable'];
    renderLocation();
    return;
  }
  state.locateMessage = ['locate.working'];
  renderLocation();
  navigator.geolocation.getCurrentPosition(
    (position) => {
      // Six decimals is about 10 cm: more is noise, and it is all the form needs.
      const lat = Math.round(position.coords.latitude * 1e6) / 1e6;
      const lon = Math.round(position.coords.longitude * 1e6) / 1e6;
      state.location = { lat, lon };
      state.locateMessage = ['locate.done', { lat, lon }];
      renderLocation();
    },
    (error) => {
      state.locateMessage = [error.code === 1 ? 'locate.denied' : 'locate.failed'];
      renderLocation();
    },
    { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 },
  );
});

$('locate-clear').addEventListener('click', () => {
  state.location = null;
  state.locateMessage = ['locate.removed'];
  renderLocation();
  $('locate').focus();
});

function renderLocation() {
  $('locate-clear').hidden = state.location === null;
  $('locate-status').textContent = state.locateMessage === null ? '' : t(state.locateMessage[0], state.locateMessage[1]);
}

// ---- errors ----

/** Shows problems as a list at the top of the form (each a link to its field) and next to each field. */
function showErrors(errors) {
  state.errors = errors;
  renderErrors();
  const box = $('form-errors');
  box.focus();
  box.scrollIntoView({ block: 'start' });
}

function renderErrors() {
  for (const field of Object.keys(FIELDS)) {
    const element = $(`${field}-error`);
    element.hidden = true;
    element.textContent = '';
    $(FIELDS[field].control).removeAttribute('aria-invalid');
  }
  const list = $('form-error-list');
  list.replaceChildren();
  for (const error of state.errors) {
    const message = t(error.key, error.values);
    const item = document.createElement('li');
    const spec = error.field === undefined ? undefined : FIELDS[error.field];
    if (spec === undefined) {
      item.textContent = message;
    } else {
      const link = document.createElement('a');
      link.href = `#${spec.control}`;
      link.textContent = message;
      link.addEventListener('click', (event) => {
        event.preventDefault();
        $(spec.control).focus();
      });
      item.append(link);
      const inline = $(`${error.field}-error`);
      inline.textContent = message;
      inline.hidden = false;
      $(spec.control).setAttribute('aria-invalid', 'true');
    }
    list.append(item);
  }
  $('form-errors').hidden = state.errors.length === 0;
}

function clearFieldError(field) {
  const before = state.errors.length;
  state.errors = state.errors.filter((error) => error.field !== field);
  if (state.errors.length !== before) renderErrors();
}

for (const field of ['text', 'kind', 'category', 'address', 'name', 'phone', 'email']) {
  $(field).addEventListener('input', () => {
    clearFieldError(field);
    if (field === 'text') clearFieldError('attachments');
  });
}

// ---- submitting ----

function collect() {
  const value = (id) => $(id).value.trim();
  const payload = { idempotencyKey: state.idempotencyKey, language: state.lang, text: value('text') };
  for (const id of ['kind', 'category', 'address', 'name', 'email']) if (value(id) !== '') payload[id] = value(id);
  // Chinese input methods often type full-width digits (１３８): NFKC makes them ASCII.
  const phone = value('phone').normalize('NFKC').replace(PHONE_SEPARATORS, '');
  if (phone !== '') payload.phone = phone;
  if (state.location !== null) payload.location = state.location;
  if ($('private').checked) payload.private = true;
  return payload;
}

function checkLocally(payload) {
  const errors = [];
  if (payload.text === '' && state.files.length === 0) errors.push({ field: 'text', key: 'error.text', values: { max: TEXT_MAX } });
  if (payload.phone !== undefined && !PHONE.test(payload.phone)) errors.push({ field: 'phone', key: 'error.phone' });
  if (payload.email !== undefined && !EMAIL.test(payload.email)) errors.push({ field: 'email', key: 'error.email' });
  return errors;
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  if (state.sending) return;
  const payload = collect();
  const problems = checkLocally(payload);
  if (problems.length > 0) {
    showErrors(problems);
    return;
  }
  state.errors = [];
  renderErrors();
  setSending(true);
  try {
    const response = await fetch('form/submissions', requestFor(payload));
    const data = await response.json().catch(() => null);
    if (response.ok && data !== null && typeof data.ticket === 'string') showResult(data);
    else showErrors([serverError(response, data)]);
  } catch {
    // The answer may have been lost after the request arrived: the same key makes a resend safe.
    showErrors([{ key: 'error.network' }]);
  } finally {
    setSending(false);
  }
});

function requestFor(payload) {
  if (state.files.length === 0) {
    return { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) };
  }
  const body = new FormData();
  // The server reads the payload first and refuses a bad form before storing any file.
  body.append('payload', JSON.stringify(payload));
  for (const file of state.files) body.append('files', file, file.name);
  return { method: 'POST', body };
}

function setSending(sending) {
  state.sending = sending;
  const button = $('submit');
  button.disabled = sending;
  button.dataset.t = sending ? 'submit.sending' : 'submit.button';
  button.textContent = t(button.dataset.t);
  form.setAttribute('aria-busy', String(sending));
}

function retrySeconds(response) {
  const seconds = Number(response.headers.get('retry-after'));
  return Number.isFinite(seconds) && seconds > 0 ? Math.ceil(seconds) : 30;
}

function serverError(response, data) {
  const code = data?.code;
  const field = typeof data?.field === 'string' ? data.field.split('.')[0] : undefined;
  if (code === 'too_many_submissions') return { key: 'error.too_many_submissions', values: { minutes: Math.ceil(retrySeconds(response) / 60) } };
  if (response.status === 429) return { key: 'error.rate_limited', values: { seconds: retrySeconds(response) } };
  if (response.status === 503) return { key: 'error.unavailable', values: { seconds: retrySeconds(response) } };
  if (code === 'idempotency_conflict') {
    // An earlier, different version was accepted under this key: the next press is a new request.
    state.idempotencyKey = newIdempotencyKey();
    return { key: 'error.idempotency_conflict' };
  }
  if (field === 'attachments') {
    const key = code === 'too_large' || code === 'unsupported_type' ? `error.attachments.${code}` : 'error.attachments.invalid';
    return { field, key };
  }
  if (field !== undefined && has(FIELDS, field)) return { field, key: FIELDS[field].key, values: { max: TEXT_MAX } };
  return { key: 'error.generic' };
}

// ---- the result ----

function showResult(data) {
  state.result = data;
  form.reset();
  for (const file of state.files) forgetPreview(file);
  state.files = [];
  state.fileNotes = [];
  state.location = null;
  state.locateMessage = null;
  state.idempotencyKey = newIdempotencyKey();
  $('status-ticket').value = data.ticket;
  $('status-proof').value = data.pin;
  state.status = null;
  state.statusMessage = null;
  state.ratingMessage = null;
  state.proofError = null;
  renderStatus();
  renderFiles();
  renderLocation();
  renderResult();
  $('result-heading').focus();
  $('result').scrollIntoView({ block: 'start' });
}

function renderResult() {
  const data = state.result;
  $('result').hidden = data === null;
  $('form-section').hidden = data !== null;
  if (data === null) return;
  showGrouped($('ticket-number'), data.ticket, 4);
  showGrouped($('pin-number'), data.pin, 3);
  $('result-time').textContent = t('result.receivedAt', { time: formatTime(data.receivedAt) });
  const emergency = data.emergency;
  $('emergency').hidden = emergency === undefined;
  if (emergency !== undefined) {
    $('emergency-heading').textContent = t('emergency.heading', { line: emergency.line });
    $('emergency-message').textContent = emergency.message;
    $('emergency-call').textContent = t('emergency.call', { line: emergency.line });
    $('emergency-call').href = `tel:${emergency.line}`;
  }
  const elsewhere = Array.isArray(data.dispositions) ? data.dispositions : [];
  $('dispositions').hidden = elsewhere.length === 0;
  $('disposition-list').replaceChildren(
    ...elsewhere.map((disposition) => {
      const item = document.createElement('li');
      item.textContent = disposition.message;
      return item;
    }),
  );
  const repeat = data.repeatOf;
  $('repeat').hidden = repeat === undefined;
  // With two ticket numbers on screen, the new one says which it is.
  const label = $('ticket-label');
  label.dataset.t = repeat === undefined ? 'result.ticketLabel' : 'repeat.newTicket';
  label.textContent = t(label.dataset.t);
  let announcement = `${t('result.heading')} ${t(label.dataset.t)} ${data.ticket} ${t('result.pinLabel')} ${data.pin}`;
  if (repeat !== undefined) {
    renderRepeat(repeat);
    announcement += ` ${t('repeat.heading')} ${t('repeat.ticketLabel')} ${repeat.ticket}`;
  }
  $('announcer').textContent = announcement;
}

/** Digits in groups of `size` (spans, so the text copied is the digits alone), as they are read out. */
function showGrouped(element, digits, size) {
  const groups = [];
  for (let i = 0; i < digits.length; i += size) {
    const group = document.createElement('span');
    group.className = 'group';
    group.textContent = digits.slice(i, i + size);
    groups.push(group);
  }
  element.replaceChildren(...groups);
}

/** The open request this one repeats: its ticket's last digits and, when the server could read it, where it stands. */
function renderRepeat(repeat) {
  $('repeat-ticket').textContent = repeat.ticket;
  const known = typeof repeat.status === 'string' && typeof repeat.receivedAt === 'string';
  $('repeat-progress').hidden = !known;
  $('repeat-unknown').hidden = known;
  if (!known) return;
  $('repeat-status').textContent = t(`status.value.${repeat.status}`);
  $('repeat-received').textContent = formatTime(repeat.receivedAt);
}

$('submit-another').addEventListener('click', () => {
  state.result = null;
  $('announcer').textContent = '';
  renderResult();
  $('text').focus();
});

$('check-this').addEventListener('click', () => {
  if (state.result !== null) lookUp(state.result.ticket, state.result.pin);
});

// ---- status and rating ----

$('status-form').addEventListener('submit', (event) => {
  event.preventDefault();
  lookUp($('status-ticket').value, $('status-proof').value);
});

async function lookUp(input, proofInput) {
  const ticket = String(input).replace(/\s+/g, '');
  const proof = String(proofInput).trim();
  $('status-ticket').value = ticket;
  state.status = null;
  state.statusProof = null;
  state.ratingMessage = null;
  state.proofError = null;
  if (!TICKET.test(ticket)) {
    state.statusMessage = ['status.invalid'];
    renderStatus();
    $('status-ticket').focus();
    return;
  }
  const problem = proofProblem(proof);
  if (problem !== null) {
    state.statusMessage = null;
    showProofError(problem);
    return;
  }
  state.statusMessage = ['status.loading'];
  renderStatus();
  $('status-section').scrollIntoView({ block: 'start' });
  try {
    const response = await fetch(`form/status/${encodeURIComponent(ticket)}`, {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/json' },
      body: JSON.stringify({ proof }),
    });
    const data = await response.json().catch(() => null);
    state.statusMessage = null;
    if (response.ok && data !== null) {
      state.status = data;
      state.statusProof = proof;
    } else if (data?.code === 'too_many_attempts') showProofError('status.proof.locked');
    else if (response.status === 404) showProofError('status.proof.mismatch');
    else if (data?.field === 'proof') showProofError('status.proof.invalid');
    else if (response.status === 400) state.statusMessage = ['status.invalid'];
    else if (response.status === 429) state.statusMessage = ['error.rate_limited', { seconds: retrySeconds(response) }];
    else state.statusMessage = ['error.generic'];
  } catch {
    state.statusMessage = ['error.network'];
  }
  renderStatus();
}

function renderStatus() {
  const message = state.statusMessage;
  $('status-message').textContent = message === null ? '' : t(message[0], message[1]);
  renderProofError();
  const data = state.status;
  $('status-result').hidden = data === null;
  if (data === null) return;
  $('status-ticket-value').textContent = data.ticket;
  $('status-current').textContent = t(`status.value.${data.status}`);
  $('status-received').textContent = formatTime(data.receivedAt);
  $('status-updated').textContent = formatTime(data.updatedAt);
  const history = $('status-history');
  history.replaceChildren();
  for (const entry of data.history) {
    const item = document.createElement('li');
    const label = document.createElement('strong');
    label.textContent = t(`status.value.${entry.status}`);
    const time = document.createElement('time');
    time.dateTime = entry.at;
    time.textContent = formatTime(entry.at);
    item.append(label, ' ', time);
    if (typeof entry.note === 'string' && entry.note !== '') {
      const note = document.createElement('p');
      note.textContent = entry.note;
      item.append(note);
    }
    history.append(item);
  }
  $('rating-form').hidden = !data.canRate;
  let rating = state.ratingMessage;
  if (rating === null && data.ratingRefusal === 'already_rated') rating = ['rating.already'];
  $('rating-message').textContent = rating === null ? '' : t(rating[0], rating[1]);
}

function renderProofError() {
  const key = state.proofError;
  const element = $('status-proof-error');
  element.hidden = key === null;
  element.textContent = key === null ? '' : t(key);
  if (key === null) $('status-proof').removeAttribute('aria-invalid');
  else $('status-proof').setAttribute('aria-invalid', 'true');
}

/** The same reading as the server's: six or four digits (spaces and dashes ignored), or anything with an "@". */
function proofProblem(proof) {
  const folded = proof.normalize('NFKC').trim();
  if (folded === '') return 'status.proof.required';
  if (folded.includes('@') || PROOF_DIGITS.test(folded.replace(PHONE_SEPARATORS, ''))) return null;
  return 'status.proof.invalid';
}

/** Shows what is wrong with the proof beside it and puts the citizen there; the field names its error. */
function showProofError(key) {
  state.proofError = key;
  renderStatus();
  $('status-proof').focus();
}

$('status-proof').addEventListener('input', () => {
  if (state.proofError === null) return;
  state.proofError = null;
  renderProofError();
});

$('rating-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const data = state.status;
  if (data === null || state.statusProof === null) return;
  const chosen = document.querySelector('#rating-form input[name="score"]:checked');
  state.ratingMessage = chosen === null ? ['rating.required'] : null;
  if (chosen === null) {
    renderStatus();
    document.querySelector('#rating-form input[name="score"]').focus();
    return;
  }
  const body = { score: Number(chosen.value), proof: state.statusProof };
  const comment = $('rating-comment').value.trim();
  if (comment !== '') body.comment = comment;
  const button = $('rating-submit');
  button.disabled = true;
  try {
    const response = await fetch(`form/rating/${encodeURIComponent(data.ticket)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const answer = await response.json().catch(() => null);
    if (response.ok) {
      state.status = { ...data, canRate: false, ratingRefusal: 'already_rated' };
      state.ratingMessage = ['rating.thanks'];
      $('rating-form').reset();
    } else if (answer?.code === 'already_rated' || answer?.code === 'not_rateable') {
      state.status = { ...data, canRate: false, ratingRefusal: answer.code };
      state.ratingMessage = [{ already_rated: 'rating.already', not_rateable: 'rating.notYet' }[answer.code]];
    } else if (answer?.code === 'too_many_attempts') state.ratingMessage = ['status.proof.locked'];
    else if (answer?.field === 'comment') state.ratingMessage = ['rating.comment.invalid', { max: COMMENT_MAX }];
    else if (response.status === 429) state.ratingMessage = ['error.rate_limited', { seconds: retrySeconds(response) }];
    else state.ratingMessage = ['error.generic'];
  } catch {
    state.ratingMessage = ['error.network'];
  } finally {
    button.disabled = false;
  }
  renderStatus();
});

// ---- start ----

renderAll();
// A link with ?ticket= fills in the ticket; the proof is never put in a URL, so the citizen types it.
const askedTicket = new URL(window.location.href).searchParams.get('ticket');
if (askedTicket !== null && askedTicket !== '') {
  $('status-ticket').value = askedTicket.replace(/\s+/g, '');
  $('status-proof').focus();
}
