// The screen pop of the agent's call: what the IVR learnt (masked number, path, category, language, wait) and the
// caller's earlier contacts and open cases with their status in the page's language. Rendered whole from the
// server's `call` message, again after a language switch; times tick from the server's clock (`data-since`).

import { $, el, label, lang, skillLabel, t } from './desk-common.js';
import { formatDateTime, formatDuration } from './desk-format.js';

/** Text that is data, not a page text: it must not be replaced by a language switch. */
function plain(element, text) {
  delete element.dataset.t;
  delete element.dataset.tv;
  element.textContent = text;
}

function ticking(element, sinceIso) {
  element.dataset.since = sinceIso;
}

function fixed(element, seconds) {
  delete element.dataset.since;
  plain(element, formatDuration(seconds));
}

export function renderPop(pop, phase) {
  plain($('pop-caller'), pop.callerMasked === '' ? t('pop.withheld') : pop.callerMasked);
  // Ringing, the caller is still waiting: the wait ticks. Answered, it is what it was.
  if (phase === 'offered') ticking($('pop-waited'), pop.enqueuedAt);
  else fixed($('pop-waited'), pop.waitedSeconds);
  const talking = phase === 'answered' && pop.answeredAt !== null;
  $('pop-talked').hidden = !talking;
  $('pop-talked-label').hidden = !talking;
  if (talking) ticking($('pop-talked'), pop.answeredAt);
  else delete $('pop-talked').dataset.since;
  plain($('pop-category'), pop.category === null ? t('pop.categoryNone') : label('category', pop.category));
  plain($('pop-language'), label('language', pop.lang));
  plain($('pop-queue'), skillLabel(pop.queueSkill));
  plain($('pop-path'), pop.ivrPath.length === 0 ? t('pop.pathNone') : pop.ivrPath.join(' › '));
  $('pop-earlier').hidden = pop.earlierTicket === null;
  $('pop-earlier-label').hidden = pop.earlierTicket === null;
  plain($('pop-earlier'), pop.earlierTicket ?? '');
  renderHistory(pop);
}

function renderHistory(pop) {
  const box = $('pop-history');
  box.replaceChildren();
  if (pop.historyUnavailable) {
    box.append(el('p', { className: 'notice', text: t('pop.historyUnavailable') }));
    return;
  }
  const history = pop.history;
  if (history === null || (history.contacts.length === 0 && history.openCases.length === 0)) {
    box.append(el('p', { className: 'hint', text: t('pop.noHistory') }));
    return;
  }
  if (history.link === 'inferred') box.append(el('p', { className: 'notice', text: t('pop.inferred') }));
  if (history.openCases.length > 0) {
    box.append(
      el('h3', { text: t('pop.openCases') }),
      table(
        ['pop.ticket', 'pop.channel', 'pop.when', 'pop.status'],
        history.openCases.map((c) => [c.ticket, label('channel', c.channel), formatDateTime(c.receivedAt, lang()), c.statusName[lang()]]),
        'open-cases',
      ),
    );
  }
  if (history.contacts.length > 0) {
    box.append(
      el('h3', { text: t('pop.contacts') }),
      table(
        ['pop.when', 'pop.channel', 'pop.ticket', 'pop.status'],
        history.contacts.map((c) => [formatDateTime(c.at, lang()), label('channel', c.channel), c.ticket ?? t('pop.noTicket'), c.statusName === null ? t('pop.noTicket') : c.statusName[lang()]]),
        'contacts',
      ),
    );
  }
}

function table(headKeys, rows, id) {
  return el(
    'table',
    { className: 'grid compact', attrs: { id } },
    el('thead', {}, el('tr', {}, ...headKeys.map((key) => el('th', { text: t(key), attrs: { scope: 'col' } })))),
    el('tbody', {}, ...rows.map((cells) => el('tr', {}, ...cells.map((cell) => el('td', { text: cell }))))),
  );
}
