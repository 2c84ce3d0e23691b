// apitest.js: the page's entry point. Reads apitest.json (every function of the spec, and how
// this device secures each service), lists the functions by service, shows the chosen one
// (`#switch/ctrl` in the address chooses it too) and sends what its form holds.

import { el, fill } from './apitest-dom.js';
import { render } from './apitest-form.js';
import { curl, send, show } from './apitest-send.js';
import { start as startEvents } from './apitest-events.js';

const $ = (id) => document.getElementById(id);

const page = {
  description: null,
  credentials: () => ({ user: $('user').value.trim(), password: $('password').value }),
  onSend: (request) => submit(request),
};

let current = null;

async function main() {
  const response = await fetch('apitest.json', { cache: 'no-store' });
  if (!response.ok) throw new Error(`apitest.json: HTTP ${response.status}`);
  page.description = await response.json();
  const { device, manual } = page.description;
  fill($('device'), `${device.model} · firmware ${device.firmware} · manual ${manual}`);
  $('login').addEventListener('submit', (event) => event.preventDefault());
  for (const input of [$('user'), $('password')]) {
    input.addEventListener('change', () => page.onCredentials && page.onCredentials());
  }
  buildLists();
  $('search').addEventListener('input', filterList);
  $('function-select').addEventListener('change', (event) => { window.location.hash = event.target.value; });
  window.addEventListener('hashchange', choose);
  choose();
  startEvents($('events'), page);
  document.body.dataset.ready = 'true';
}

/** The side list (wide screens) and the select (phones), both grouped by service. */
function buildLists() {
  const { services, functions } = page.description;
  const list = $('function-list');
  const select = $('function-select');
  for (const service of services) {
    const members = functions.filter((f) => f.service === service.id);
    if (!members.length) continue;
    list.append(el('section', { class: 'group', dataset: { service: service.id } },
      el('h3', { title: service.purpose }, service.name, service.enabled ? null : el('small', {}, ' disabled')),
      el('ul', {}, members.map((f) => el('li', {},
        el('a', { href: `#${f.name}`, dataset: { path: f.path }, title: f.summary }, f.name))))));
    select.append(el('optgroup', { label: service.name },
      members.map((f) => el('option', { value: f.name, dataset: { path: f.path } }, f.name))));
  }
}

function filterList() {
  const words = $('search').value.trim().toLowerCase().split(/\s+/).filter(Boolean);
  for (const link of $('function-list').querySelectorAll('a')) {
    const text = `${link.textContent} ${link.title}`.toLowerCase();
    link.parentElement.hidden = !words.every((w) => text.includes(w));
  }
  for (const group of $('function-list').querySelectorAll('.group')) {
    group.hidden = !group.querySelector('li:not([hidden])');
  }
}

function choose() {
  const { functions } = page.description;
  const name = decodeURIComponent(window.location.hash.slice(1));
  const fn = functions.find((f) => f.name === name) || functions[0];
  if (fn === current) return;
  current = fn;
  $('function-select').value = fn.name;
  for (const link of $('function-list').querySelectorAll('a')) {
    link.classList.toggle('current', link.dataset.path === fn.path);
    if (link.dataset.path === fn.path) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  render($('function'), fn, page);
  document.title = `${fn.name} · HTTP API test`;
}

async function submit(request) {
  const button = $('send');
  const { user, password } = page.credentials();
  const service = page.description.services.find((s) => s.id === current.service);
  const line = el('pre', { id: 'curl', class: 'curl' }, curl({ ...request, user }, service.auth));
  button.disabled = true;
  button.textContent = 'Sending…';
  try {
    const reply = await send({ ...request, user, password });
    await show($('reply'), reply, current.name);
  } catch (error) {
    $('reply').hidden = false;
    fill($('reply'), el('h2', {}, 'Reply'), el('p', { id: 'reply-status', class: 'status bad' }, error.message));
  } finally {
    button.disabled = false;
    button.textContent = 'Send';
  }
  $('reply').append(el('details', { class: 'headers' }, el('summary', {}, 'As curl'), line));
}

main().catch((error) => {
  fill($('function'), el('p', { class: 'status bad' }, `The page could not start: ${error.message}`));
  document.body.dataset.ready = 'failed';
});
