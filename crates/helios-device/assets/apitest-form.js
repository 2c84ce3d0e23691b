// apitest-form.js: one function of the description as a card: what it is (service, privilege,
// licence, manual section), a method choice, and a form control for each parameter made from
// its domain. Values a caps function lists on this device are fetched and offered.

import { el, fill } from './apitest-dom.js';
import { call } from './apitest-send.js';

const AUTH = { none: 'no authentication', basic: 'Basic authentication', digest: 'Digest authentication' };

const TRANSFERS = [
  ['query', 'query string'],
  ['urlencoded', 'urlencoded body'],
  ['multipart', 'multipart body'],
];

/**
 * Fills `card` with `fn`. `page` gives the description (`services`), the credentials and
 * `onSend(request)`, called with { method, path, params, transfer } when the form is sent.
 */
export function render(card, fn, page) {
  const service = page.description.services.find((s) => s.id === fn.service);
  const state = { method: fn.methods[0].method, values: new Map() };
  const methods = el('div', { class: 'methods', role: 'radiogroup', 'aria-label': 'Method' });
  const params = el('div', { class: 'params' });
  const transfer = el('select', { id: 'transfer', 'aria-label': 'Parameters travel in' },
    TRANSFERS.map(([value, label]) => el('option', { value }, label)));
  const capsNote = el('p', { class: 'muted caps-note' });
  const send = el('button', { id: 'send', type: 'submit' }, 'Send');
  const form = el('form', { id: 'function-form', novalidate: true, onsubmit: (event) => {
    event.preventDefault();
    page.onSend({ method: state.method, path: fn.path, params: collect(params), transfer: transfer.value });
  } }, methods, params, capsNote,
  el('div', { class: 'actions' }, el('label', {}, 'Send parameters in ', transfer), send));

  for (const m of fn.methods) {
    const id = `method-${m.method}`;
    methods.append(el('label', { class: 'method', for: id },
      el('input', { type: 'radio', name: 'method', id, value: m.method, checked: m.method === state.method,
        onchange: () => { state.method = m.method; redraw(); } }),
      el('span', {}, m.method), el('small', { class: `tier tier-${m.tier}` }, m.tier)));
  }

  function redraw() {
    for (const control of params.querySelectorAll('[data-param]')) {
      if (control.type !== 'file') state.values.set(control.dataset.param, control.value);
    }
    const applicable = fn.params.filter((p) => p.methods.length === 0 || p.methods.includes(state.method));
    fill(params, applicable.length ? applicable.map((p) => row(p, state.values.get(p.name))) :
      el('p', { class: 'muted' }, `No parameters with ${state.method}.`));
    const blobs = applicable.some((p) => p.blob);
    transfer.value = blobs || state.method === 'PUT' ? 'multipart' :
      state.method === 'POST' ? 'urlencoded' : 'query';
    for (const option of transfer.options) option.disabled = blobs && option.value !== 'multipart';
    loadCaps(applicable, params, capsNote, page);
  }

  // New credentials may read what the old ones could not.
  page.onCredentials = () => redraw();
  fill(card,
    el('h2', {}, el('code', { id: 'function-path' }, fn.path)),
    el('p', { class: 'summary' }, fn.summary),
    facts(fn, service, page),
    form);
  redraw();
}

function facts(fn, service, page) {
  const access = fn.access.kind === 'privilege' ? fn.access.privilege : fn.access.note;
  const security = service.enabled
    ? `${service.https ? 'HTTPS only' : 'HTTP or HTTPS'}, ${AUTH[service.auth]}`
    : 'disabled on this device';
  const warn = service.enabled && service.https && window.location.protocol === 'http:'
    ? el('span', { class: 'warn' }, ` — this page is on plain HTTP: expect error ${page.description.httpsRequired.code} (${page.description.httpsRequired.description})`) : null;
  const replies = fn.replies.map((r) => `${r.media}${r.when ? ` ${r.when}` : ''}${r.methods.length ? ` (${r.methods.join(', ')})` : ''}`);
  const rows = [
    ['Service', `${service.name}: ${security}`, warn],
    ['Privilege', access],
    ['Licence', fn.licences.length ? fn.licences.join(', ') : 'none'],
    fn.hardware ? ['Hardware', fn.hardware] : null,
    ['Manual', `section ${fn.section}, “${fn.title}”`],
    ['Since', `firmware ${fn.since}`],
    ['Replies', replies.join('; ')],
    fn.errata.length ? ['Errata', fn.errata.join(', ')] : null,
  ];
  return el('dl', { class: 'facts', id: 'function-facts' },
    rows.filter(Boolean).map(([term, ...value]) => [el('dt', {}, term), el('dd', {}, ...value)]));
}

/** One parameter: its name, presence, a control made from its domain, its description. */
function row(param, value) {
  const id = `param-${param.name}`;
  const presence = param.presence === 'mandatory' ? 'mandatory'
    : param.presence === 'one-of' ? `one of ${param.group}`
      : param.default !== null ? `optional, default ${param.default}` : 'optional';
  return el('div', { class: 'param' },
    el('label', { for: id },
      el('code', {}, param.name), ' ',
      el('small', { class: param.presence === 'mandatory' ? 'badge strong' : 'badge' }, presence)),
    control(param, id, value),
    el('p', { class: 'muted description' }, param.description, hint(param.domain)));
}

function hint(domain) {
  switch (domain.kind) {
    case 'int': return ` (${domain.min} to ${domain.max})`;
    case 'text': return ` (${domain.rule}, at most ${domain.maxLength} bytes)`;
    case 'blob': return ` (${domain.formats.map((f) => f.name).join(', ')}, at most ${Math.round(domain.maxLength / 1024)} KiB)`;
    case 'include': return ' (new, all or -t)';
    case 'event-filter': return ' (event types, comma-separated)';
    default: return '';
  }
}

function control(param, id, value) {
  const d = param.domain;
  const common = { id, name: param.name, dataset: { param: param.name, kind: d.kind } };
  const placeholder = param.default ?? (param.presence === 'mandatory' ? 'required' : 'not sent when empty');
  switch (d.kind) {
    case 'int':
      return el('input', { ...common, type: 'number', inputmode: 'numeric', min: d.min, max: d.max, step: 1,
        placeholder, value: value ?? '', list: param.caps ? `${id}-values` : null });
    case 'enum': {
      const select = el('select', common,
        el('option', { value: '' }, param.default ? `(not sent: ${param.default})` : '(not sent)'),
        d.values.map((v) => el('option', { value: v }, v)));
      select.value = value ?? (param.presence === 'mandatory' ? d.values[0] : '');
      return select;
    }
    case 'blob':
      return el('input', { ...common, type: 'file', accept: d.formats.map((f) => f.mime).join(',') });
    case 'include':
      return el('input', { ...common, type: 'text', placeholder, value: value ?? '', list: `${id}-values`,
        maxlength: d.maxLength, autocapitalize: 'off' },
      el('datalist', { id: `${id}-values` }, ['new', 'all', '-60', '-3600'].map((v) => el('option', { value: v }))));
    default:
      return el('input', { ...common, type: 'text', placeholder, value: value ?? '', maxlength: d.maxLength,
        autocapitalize: 'off', spellcheck: false, list: param.caps ? `${id}-values` : null });
  }
}

/** The parameters the form sends: every control with a value, blobs as their files. */
function collect(params) {
  const out = [];
  for (const control of params.querySelectorAll('[data-param]')) {
    if (control.type === 'file') {
      for (const file of control.files) out.push({ name: control.dataset.param, value: file });
    } else if (control.value !== '') {
      out.push({ name: control.dataset.param, value: control.value });
    }
  }
  return out;
}

/**
 * Offers the values a caps function lists for the parameters that say so: a datalist for free
 * entry (a test page must let one send a value the device does not offer), and for pairs
 * (width with height) one choice that fills both.
 */
async function loadCaps(applicable, params, note, page) {
  const withCaps = applicable.filter((p) => p.caps);
  if (!withCaps.length) return fill(note);
  const paths = [...new Set(withCaps.map((p) => p.caps.path))];
  const open = paths.every((path) => {
    const fn = page.description.functions.find((f) => f.path === path);
    return page.description.services.find((s) => s.id === fn.service).auth === 'none';
  });
  // Without a user the browser would ask for one as soon as the page opens: wait for it.
  if (!open && !page.credentials().user) {
    return fill(note, `Enter a user above to see the values ${paths.join(', ')} offers.`);
  }
  fill(note, `Reading the values this device offers from ${paths.join(', ')}…`);
  const results = new Map();
  const failures = [];
  for (const path of paths) {
    try {
      results.set(path, await call(path, [], page.credentials()));
    } catch (error) {
      failures.push(error.message);
    }
  }
  const done = new Set();
  for (const p of withCaps) {
    const result = results.get(p.caps.path);
    const control = params.querySelector(`[data-param="${p.name}"]`);
    if (!result || !control || control.dataset.offered) continue;
    control.dataset.offered = 'true';
    const items = Array.isArray(result[p.caps.list]) ? result[p.caps.list] : [];
    const values = [...new Set(items.map((item) => item[p.caps.field]).filter((v) => v !== undefined))];
    if (control.tagName === 'SELECT') {
      for (const option of control.options) {
        if (option.value && !values.map(String).includes(option.value)) option.textContent = `${option.value} (not on this device)`;
      }
    } else {
      control.after(el('datalist', { id: control.getAttribute('list') }, values.map((v) => el('option', { value: v }))));
    }
    const partner = p.caps.pairedWith && params.querySelector(`[data-param="${p.caps.pairedWith}"]`);
    if (partner && !done.has(p.caps.list)) {
      done.add(p.caps.list);
      const pairs = items.map((item) => [item[p.caps.field], item[p.caps.pairedWith]]);
      const choose = el('select', { class: 'pair', 'aria-label': `${p.name} and ${p.caps.pairedWith}`, onchange: () => {
        const [a, b] = choose.value.split(' ');
        control.value = a;
        partner.value = b;
      } }, el('option', { value: '' }, `choose ${p.name} × ${p.caps.pairedWith}`),
      pairs.map(([a, b]) => el('option', { value: `${a} ${b}` }, `${a} × ${b}`)));
      control.closest('.param').append(choose);
    }
  }
  fill(note, failures.length
    ? el('span', { class: 'warn' }, `Could not read the offered values: ${failures.join('; ')}`)
    : `Values offered by ${paths.join(', ')}.`);
}
