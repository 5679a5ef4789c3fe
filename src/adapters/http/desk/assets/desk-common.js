/* global document, window, fetch, WebSocket, history, URL, setTimeout, clearTimeout, setInterval */
// What both desk pages share: their texts and the language switch, the login form, the session, and the WebSocket
// with its replies and reconnection. The server is the only source of truth: every (re)connection starts from an
// empty page (`onReset`) that shows only what the server then sends. Every server text is shown with textContent.

import { clockOffset, fillText, formatClock, formatDuration, labelOf, reconnectDelayMs, retryAfterSeconds, secondsSince } from './desk-format.js';

export const config = JSON.parse(document.getElementById('desk-config').textContent);
export const $ = (id) => document.getElementById(id);

const SESSION_URL = new URL('../v1/sessions', window.location.href);
const CURRENT_SESSION_URL = new URL('../v1/sessions/current', window.location.href);
const REPLY_TIMEOUT_MS = 10_000;
/** Close codes of desk-protocol.ts the page acts on. */
const CLOSE_UNAUTHENTICATED = 4401;
const CLOSE_FORBIDDEN = 4403;
const CLOSE_NORMAL = 1000;

const ui = { lang: config.lang, renderers: [], connection: { state: 'connecting', values: {} } };
let offsetMs = 0;

// ---- texts and language ----

export function lang() {
  return ui.lang;
}

export function t(key, values) {
  const table = config.texts[ui.lang];
  return fillText(Object.hasOwn(table, key) ? table[key] : key, values);
}

/** The text of a value the queue sends (`state`, `reason`, `kind`...), or the value itself. */
export function label(prefix, value) {
  return labelOf(config.texts[ui.lang], prefix, value);
}

export function skillLabel(skill) {
  const table = config.texts[ui.lang];
  if (Object.hasOwn(table, `skill.${skill}`)) return table[`skill.${skill}`];
  return Object.hasOwn(table, `category.${skill}`) ? table[`category.${skill}`] : skill;
}

/** Runs `render` now and again whenever the language changes. */
export function onLanguage(render) {
  ui.renderers.push(render);
}

const otherLang = () => (ui.lang === 'zh' ? 'en' : 'zh');
const htmlLang = (code) => (code === 'zh' ? 'zh-CN' : 'en');

function applyLanguage() {
  document.documentElement.lang = htmlLang(ui.lang);
  document.title = t(`page.title.${config.page}`);
  for (const element of document.querySelectorAll('[data-t]')) textOf(element);
  const link = $('lang-switch');
  link.href = `?lang=${otherLang()}`;
  link.lang = htmlLang(otherLang());
  link.hreflang = otherLang();
  showConnection(ui.connection.state, ui.connection.values);
  for (const render of ui.renderers) render();
  tick();
}

$('lang-switch').addEventListener('click', (event) => {
  event.preventDefault();
  ui.lang = otherLang();
  const url = new URL(window.location.href);
  url.searchParams.set('lang', ui.lang);
  history.replaceState(null, '', url);
  applyLanguage();
  $('lang-switch').focus();
});

// ---- building the page ----

/** Shows text `key` (with `values`) in `element`, and again in the other language after a switch. */
export function setText(element, key, values) {
  element.dataset.t = key;
  if (values === undefined) delete element.dataset.tv;
  else element.dataset.tv = JSON.stringify(values);
  textOf(element);
}

function textOf(element) {
  // Elements that tick are filled by `tick` (their text has the time in it).
  if (element.dataset.until !== undefined) return;
  element.textContent = t(element.dataset.t, element.dataset.tv === undefined ? undefined : JSON.parse(element.dataset.tv));
}

/** An element with `props` (`className`, `text`, `t` for a text key kept across language switches, `attrs`, `on`). */
export function el(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  if (props.className !== undefined) element.className = props.className;
  if (props.t !== undefined) {
    element.dataset.t = props.t;
    element.textContent = t(props.t);
  }
  if (props.text !== undefined) element.textContent = props.text;
  for (const [name, value] of Object.entries(props.attrs ?? {})) element.setAttribute(name, String(value));
  for (const [name, handler] of Object.entries(props.on ?? {})) element.addEventListener(name, handler);
  for (const child of children) if (child !== null && child !== undefined) element.append(child);
  return element;
}

/** Options of a select: `values` labelled by `prefix` texts, a blank "choose" first when `blankKey` is given. */
export function fillSelect(select, values, labelFor, blankKey) {
  const chosen = select.value;
  select.replaceChildren();
  if (blankKey !== undefined) select.append(el('option', { attrs: { value: '' }, text: t(blankKey) }));
  for (const value of values) select.append(el('option', { attrs: { value }, text: labelFor(value) }));
  if ([...select.options].some((option) => option.value === chosen)) select.value = chosen;
}

export function show(id, visible) {
  $(id).hidden = !visible;
}

export function announce(text) {
  $('announcer').textContent = text;
}

/** A message (text `key` with `values`) in element `id`, or none when `key` is null. */
export function message(id, key, values) {
  const element = $(id);
  if (key === null) {
    element.textContent = '';
    delete element.dataset.t;
    element.hidden = true;
    return;
  }
  setText(element, key, values);
  element.hidden = false;
}

/** Shows a refused request (the reply's `error`) in element `id`. */
export function showError(id, error) {
  const key = `error.${error.code}`;
  if (!Object.hasOwn(config.texts[ui.lang], key)) message(id, 'error.other', { code: error.code });
  else message(id, key, { state: error.state === undefined ? '' : label('state', error.state) });
}

// ---- the server's clock, and what ticks ----

export function serverNow() {
  return Date.now() + offsetMs;
}

/** Elements with `data-since` show the time since it; with `data-until`, the time left until it. */
function tick() {
  const now = serverNow();
  for (const element of document.querySelectorAll('[data-since]')) element.textContent = formatDuration(secondsSince(element.dataset.since, now));
  for (const element of document.querySelectorAll('[data-until]')) {
    const left = Math.max(0, Math.ceil((Date.parse(element.dataset.until) - now) / 1000));
    element.textContent = element.dataset.t === undefined ? formatDuration(left) : t(element.dataset.t, { duration: formatDuration(left) });
  }
}
setInterval(tick, 1000);

// ---- connection indicator ----

function showConnection(state, values = {}) {
  ui.connection = { state, values };
  $('connection').dataset.state = state;
  $('connection-text').textContent = t(`conn.${state}`, values);
}

// ---- session and socket ----

/**
 * Starts the page: the login form until a session exists, then the socket. `handlers`: `onReset()` (a new
 * connection: forget everything shown), `onHello(hello)`, `onMessage(message)` for every other push, and
 * `onSignedOut()` (hide what needs a session). Returns `request(message)`, which resolves with the reply
 * (`{ok: false, error: {code: 'offline' | 'timeout'}}` when there is none).
 */
export function startDesk(handlers) {
  const state = { socket: null, attempt: 0, retryTimer: null, countdown: null, pending: new Map(), sequence: 0, signedOut: false };

  function signedOut(noticeKey) {
    state.signedOut = true;
    clearTimeout(state.retryTimer);
    clearTimeout(state.countdown);
    if (state.socket !== null) {
      const socket = state.socket;
      state.socket = null;
      socket.close(CLOSE_NORMAL);
    }
    failPending('offline');
    showConnection('signedOut');
    show('user', false);
    show('sign-out', false);
    handlers.onSignedOut();
    document.body.classList.remove('stale');
    message('login-notice', noticeKey ?? null);
    show('login', true);
    $('login-user').focus();
  }

  function failPending(code) {
    for (const [id, entry] of state.pending) {
      clearTimeout(entry.timer);
      entry.resolve({ type: 'reply', re: id, ok: false, error: { code, message: code } });
    }
    state.pending.clear();
  }

  /** Is there a session? Then connect; none: the login form; the server not answering: try again later. */
  async function resume() {
    let response;
    try {
      response = await fetch(CURRENT_SESSION_URL, { credentials: 'same-origin', cache: 'no-store' });
    } catch {
      retryLater();
      return;
    }
    if (response.status === 401) signedOut();
    else if (response.ok) connect();
    else retryLater();
  }

  function connect() {
    state.signedOut = false;
    showConnection('connecting');
    const url = new URL('socket', window.location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const socket = new WebSocket(url);
    state.socket = socket;
    let expired = false;
    socket.addEventListener('open', () => {
      if (state.socket !== socket) return;
      // A new connection: what was shown came from the last one, and the server now sends everything again.
      handlers.onReset();
    });
    socket.addEventListener('message', (event) => {
      if (state.socket !== socket) return;
      let data;
      try {
        data = JSON.parse(event.data);
      } catch {
        return;
      }
      if (data.type === 'hello') {
        state.attempt = 0;
        offsetMs = clockOffset(data.serverTime, Date.now());
        showConnection('online');
        document.body.classList.remove('stale');
        $('user-name').textContent = data.session.name;
        setText($('user-role'), `role.${data.session.role}`);
        show('user', true);
        show('sign-out', true);
        show('login', false);
        handlers.onHello(data);
      } else if (data.type === 'reply') {
        const entry = state.pending.get(data.re);
        if (entry === undefined) return;
        state.pending.delete(data.re);
        clearTimeout(entry.timer);
        entry.resolve(data);
      } else if (data.type === 'expired') {
        expired = true;
      } else {
        handlers.onMessage(data);
      }
      tick();
    });
    socket.addEventListener('close', (event) => {
      if (state.socket !== socket) return;
      state.socket = null;
      failPending('offline');
      if (expired || event.code === CLOSE_UNAUTHENTICATED) signedOut('login.expired');
      // This account may not use the desk at all: trying again would only be refused again.
      else if (event.code === CLOSE_FORBIDDEN) signedOut('error.wrong_role');
      else retryLater();
    });
  }

  function retryLater() {
    if (state.signedOut) return;
    // What is shown stays, dimmed and inert, until the next connection replaces it.
    document.body.classList.add('stale');
    const delay = reconnectDelayMs(state.attempt, Math.random());
    state.attempt += 1;
    const at = Date.now() + delay;
    const countdown = () => {
      showConnection('retrying', { seconds: Math.max(1, Math.ceil((at - Date.now()) / 1000)) });
      state.countdown = setTimeout(countdown, 1000);
    };
    clearTimeout(state.countdown);
    countdown();
    clearTimeout(state.retryTimer);
    state.retryTimer = setTimeout(() => {
      clearTimeout(state.countdown);
      void resume();
    }, delay);
  }

  function request(body) {
    const socket = state.socket;
    if (socket === null || socket.readyState !== WebSocket.OPEN) return Promise.resolve({ ok: false, error: { code: 'offline', message: 'offline' } });
    state.sequence += 1;
    const id = `r${state.sequence}`;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        state.pending.delete(id);
        resolve({ type: 'reply', re: id, ok: false, error: { code: 'timeout', message: 'timeout' } });
      }, REPLY_TIMEOUT_MS);
      state.pending.set(id, { resolve, timer });
      socket.send(JSON.stringify({ ...body, id }));
    });
  }

  $('login-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const user = $('login-user').value.trim();
    const password = $('login-password').value;
    message('login-notice', null);
    if (user === '' || password === '') {
      loginError('login.required');
      return;
    }
    const button = $('login-submit');
    button.disabled = true;
    setText(button, 'login.sending');
    try {
      const response = await fetch(SESSION_URL, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ user, password }),
      });
      if (response.status === 201) {
        $('login-password').value = '';
        loginError(null);
        show('login', false);
        state.attempt = 0;
        connect();
      } else if (response.status === 401) {
        loginError('login.wrong');
      } else if (response.status === 429) {
        const seconds = retryAfterSeconds(response.headers.get('retry-after'), Date.now()) ?? 60;
        loginError('login.throttled', { seconds, time: formatClock(new Date(Date.now() + seconds * 1000).toISOString(), ui.lang) });
      } else {
        loginError('login.failed');
      }
    } catch {
      loginError('login.failed');
    } finally {
      button.disabled = false;
      setText(button, 'login.submit');
    }
  });

  function loginError(key, values) {
    message('login-error', key, values);
    for (const id of ['login-user', 'login-password']) {
      if (key === null) $(id).removeAttribute('aria-invalid');
      else $(id).setAttribute('aria-invalid', 'true');
    }
  }

  $('sign-out').addEventListener('click', async () => {
    try {
      await fetch(CURRENT_SESSION_URL, { method: 'DELETE', credentials: 'same-origin' });
    } finally {
      signedOut('login.signedOut');
    }
  });

  applyLanguage();
  void resume();
  return { request };
}
