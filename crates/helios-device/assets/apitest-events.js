// apitest-events.js: the event panel. Opens a subscription channel, long-polls it and lists
// the events as they arrive, newest first. The event types to subscribe to come from the
// device's own caps (the spec's list until they are read); a text filter narrows what is shown.

import { el, fill } from './apitest-dom.js';
import { call } from './apitest-send.js';

// How long one pull waits for an event before it answers empty, in seconds.
const PULL_TIMEOUT = 20;

/** Builds the panel in `box`. */
export function start(box, page) {
  const paths = page.description.eventPanel;
  // The parameter names come from the spec too, told apart by their domains and presence.
  const fn = (path) => page.description.functions.find((f) => f.path === path);
  const subscribe = fn(paths.subscribe);
  const byKind = (kind) => subscribe.params.find((p) => p.domain.kind === kind);
  const [includeParam, filterParam, duration] = ['include', 'event-filter', 'int'].map(byKind);
  const idOf = (path) => fn(path).params.find((p) => p.presence === 'mandatory').name;
  const timeoutParam = fn(paths.pull).params.find((p) => p.presence !== 'mandatory').name;
  const include = el('select', { id: 'ev-include', 'aria-label': 'Events to include' },
    el('option', { value: 'new' }, 'new events'),
    el('option', { value: '-60' }, 'the last minute too'),
    el('option', { value: 'all' }, 'all recorded'));
  const lifetime = el('input', { id: 'ev-duration', type: 'number', inputmode: 'numeric',
    min: duration.domain.min, max: duration.domain.max, value: duration.default ?? '' });
  const types = el('div', { class: 'types', id: 'ev-types' });
  const typesSummary = el('summary', {}, 'Event types: all');
  const picker = el('details', { class: 'picker-types' }, typesSummary, types);
  const subscribeButton = el('button', { id: 'ev-subscribe', type: 'button' }, 'Subscribe');
  const stopButton = el('button', { id: 'ev-stop', type: 'button', class: 'secondary', disabled: true }, 'Stop');
  const status = el('p', { id: 'ev-status', class: 'muted' }, 'Not subscribed.');
  const shown = el('input', { id: 'ev-filter', type: 'search', placeholder: 'Show only events matching…',
    'aria-label': 'Show only events matching' });
  const list = el('ol', { id: 'ev-list', class: 'events' });
  let channel = null;

  fill(box,
    el('h2', {}, 'Events'),
    el('div', { class: 'row' },
      el('label', {}, 'Include ', include),
      el('label', {}, 'Channel lifetime (s) ', lifetime)),
    picker,
    el('div', { class: 'row' }, subscribeButton, stopButton),
    status, shown, list);

  showTypes(types, page.description.events, 'the spec');
  picker.addEventListener('toggle', () => { if (picker.open) loadTypes(); });
  types.addEventListener('change', () => {
    const chosen = checked(types);
    typesSummary.textContent = `Event types: ${chosen.length ? chosen.join(', ') : 'all'}`;
  });
  shown.addEventListener('input', () => { for (const item of list.children) filterItem(item, shown.value); });

  let typesLoaded = false;
  async function loadTypes() {
    if (typesLoaded) return;
    try {
      const result = await call(paths.caps, [], page.credentials());
      showTypes(types, result.events, 'this device', checked(types));
      typesLoaded = true;
    } catch (error) {
      types.prepend(el('p', { class: 'warn' }, `${error.message}; showing the spec's list.`));
    }
  }

  subscribeButton.addEventListener('click', async () => {
    const params = [{ name: includeParam.name, value: include.value }];
    const chosen = checked(types);
    if (chosen.length) params.push({ name: filterParam.name, value: chosen.join(',') });
    if (lifetime.value) params.push({ name: duration.name, value: lifetime.value });
    subscribeButton.disabled = true;
    try {
      const result = await call(paths.subscribe, params, page.credentials());
      channel = { id: result.id, running: true, count: 0 };
      stopButton.disabled = false;
      status.textContent = `Channel ${channel.id}: waiting for events…`;
      box.dataset.channel = channel.id;
      poll(channel);
    } catch (error) {
      status.textContent = error.message;
      subscribeButton.disabled = false;
    }
  });

  stopButton.addEventListener('click', async () => {
    if (!channel) return;
    const { id } = channel;
    channel.running = false;
    channel = null;
    stopButton.disabled = true;
    subscribeButton.disabled = false;
    delete box.dataset.channel;
    try {
      await call(paths.unsubscribe, [{ name: idOf(paths.unsubscribe), value: id }], page.credentials());
      status.textContent = `Channel ${id} closed.`;
    } catch (error) {
      status.textContent = error.message;
    }
  });

  async function poll(current) {
    while (current.running) {
      try {
        const result = await call(paths.pull,
          [{ name: idOf(paths.pull), value: current.id }, { name: timeoutParam, value: PULL_TIMEOUT }], page.credentials());
        if (!current.running) return;
        for (const record of result.events) {
          const item = render(record);
          filterItem(item, shown.value);
          list.prepend(item);
          current.count += 1;
        }
        status.textContent = `Channel ${current.id}: ${current.count} event${current.count === 1 ? '' : 's'} so far, waiting…`;
      } catch (error) {
        if (!current.running) return;
        current.running = false;
        status.textContent = `Channel ${current.id} ended: ${error.message}`;
        stopButton.disabled = true;
        subscribeButton.disabled = false;
      }
    }
  }
}

function showTypes(box, names, source, keep = []) {
  fill(box, el('p', { class: 'muted' }, `None ticked subscribes to all. Types from ${source}.`),
    names.map((name) => el('label', { class: 'type' },
      el('input', { type: 'checkbox', value: name, checked: keep.includes(name) }), name)));
}

function checked(box) {
  return [...box.querySelectorAll('input:checked')].map((input) => input.value);
}

function render(record) {
  const params = Object.entries(record.params || {})
    .map(([key, value]) => `${key}=${typeof value === 'object' ? JSON.stringify(value) : value}`).join(' ');
  const time = Number.isFinite(record.utcTime) ? new Date(record.utcTime * 1000).toLocaleTimeString() : '';
  return el('li', { dataset: { event: record.event, id: record.id } },
    el('span', { class: 'muted' }, `#${record.id} ${time}`), ' ',
    el('strong', {}, record.event), ' ',
    el('code', {}, params));
}

function filterItem(item, text) {
  const words = text.trim().toLowerCase().split(/\s+/).filter(Boolean);
  const content = item.textContent.toLowerCase();
  item.hidden = !words.every((w) => content.includes(w));
}
