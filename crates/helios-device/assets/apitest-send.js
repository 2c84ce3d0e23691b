// apitest-send.js: sends one request to the device and shows what came back.
//
// Requests go through XMLHttpRequest with the user and password of the page: given them,
// the browser itself answers the device's 401 challenge, Basic or Digest, and keeps the
// session in its own authentication cache (fetch() has no way to hand credentials to the
// browser's Digest machinery). A multipart/x-mixed-replace reply (an MJPEG stream) never
// ends, so its request is dropped once the headers are in and the stream is shown by an
// <img>, which reuses what the browser learnt.

import { el, fill } from './apitest-dom.js';

/**
 * Sends `params` ([{ name, value }], a value being a string or a File) to `path` with
 * `method`, in `transfer` ('query', 'urlencoded' or 'multipart'). Resolves to
 * { status, statusText, headers, type, blob | stream, url, ms }.
 */
export function send({ method, path, params, transfer, user, password }) {
  const query = new URLSearchParams();
  let body = null;
  const files = params.some((p) => p.value instanceof File);
  if (files || transfer === 'multipart') {
    body = new FormData();
    for (const p of params) body.append(p.name, p.value);
  } else if (transfer === 'urlencoded') {
    body = new URLSearchParams();
    for (const p of params) body.append(p.name, p.value);
  } else {
    for (const p of params) query.append(p.name, p.value);
  }
  const search = query.toString();
  const url = path + (search ? `?${search}` : '');
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, url, true, user || null, user ? password : null);
    xhr.responseType = 'blob';
    const started = performance.now();
    const meta = () => ({
      status: xhr.status,
      statusText: xhr.statusText,
      headers: xhr.getAllResponseHeaders(),
      type: xhr.getResponseHeader('content-type') || '',
      url,
      ms: Math.round(performance.now() - started),
    });
    xhr.onreadystatechange = () => {
      if (xhr.readyState !== XMLHttpRequest.HEADERS_RECEIVED) return;
      const result = meta();
      if (result.type.startsWith('multipart/x-mixed-replace')) {
        xhr.abort();
        resolve({ ...result, stream: true });
      }
    };
    xhr.onload = () => resolve({ ...meta(), blob: xhr.response });
    xhr.onerror = () => reject(new Error(`${method} ${url}: no reply (network error)`));
    xhr.send(body);
  });
}

/** Sends and parses a JSON reply: resolves to the reply's `result`, or throws its error. */
export async function call(path, params, credentials) {
  const reply = await send({ method: 'GET', path, params, transfer: 'query', ...credentials });
  const text = reply.blob ? await reply.blob.text() : '';
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${path}: HTTP ${reply.status}, not JSON`);
  }
  if (json.success !== true) {
    const error = json.error || {};
    throw new Error(`${path}: HTTP ${reply.status}, error ${error.code ?? '?'}${error.description ? ` (${error.description})` : ''}`);
  }
  return json.result;
}

// The object URLs of the reply on screen, released when the next one replaces it.
let urls = [];

/** Shows a reply in `box`. */
export async function show(box, reply, name) {
  for (const url of urls) URL.revokeObjectURL(url);
  urls = [];
  const ok = reply.status >= 200 && reply.status < 300;
  const status = el('p', { id: 'reply-status', class: ok ? 'status ok' : 'status bad' },
    el('strong', {}, `HTTP ${reply.status} ${reply.statusText}`),
    ` · ${reply.type || 'no content type'} · ${reply.ms} ms`);
  const headers = el('details', { class: 'headers' },
    el('summary', {}, 'Headers'),
    el('pre', {}, reply.headers.trim()));
  box.hidden = false;
  fill(box, el('h2', {}, 'Reply'), status, headers, await body(reply, name));
}

async function body(reply, name) {
  const type = reply.type.split(';')[0].trim().toLowerCase();
  if (reply.stream) {
    const image = el('img', { id: 'reply-stream', class: 'picture', alt: 'live stream', src: reply.url });
    const stop = el('button', { type: 'button', class: 'secondary', onclick: () => {
      image.removeAttribute('src');
      stop.disabled = true;
      stop.textContent = 'Stopped';
    } }, 'Stop the stream');
    return el('div', { id: 'reply-body' }, image, el('p', {}, stop));
  }
  const blob = reply.blob;
  if (type.startsWith('image/')) {
    const url = URL.createObjectURL(blob);
    urls.push(url);
    const size = el('p', { class: 'muted' }, `${blob.size} bytes`);
    const image = el('img', { id: 'reply-image', class: 'picture', alt: name, src: url });
    image.addEventListener('load', () => {
      size.textContent = `${image.naturalWidth} × ${image.naturalHeight} pixels, ${blob.size} bytes`;
    });
    return el('div', { id: 'reply-body' }, image, size);
  }
  if (type === 'application/json' || type.endsWith('+json')) {
    const text = await blob.text();
    try {
      const pretty = JSON.stringify(JSON.parse(text), null, 2);
      return el('pre', { id: 'reply-body', class: 'json' }, pretty);
    } catch {
      return el('div', { id: 'reply-body' },
        el('p', { class: 'warn' }, 'The reply says JSON but does not parse:'),
        el('pre', {}, text));
    }
  }
  if (type.startsWith('text/') || type.endsWith('/xml') || type.endsWith('+xml')) {
    return el('pre', { id: 'reply-body' }, await blob.text());
  }
  if (blob.size === 0) return el('p', { id: 'reply-body', class: 'muted' }, 'No body.');
  const url = URL.createObjectURL(blob);
  urls.push(url);
  const file = `${name.replaceAll('/', '-')}${extension(type)}`;
  return el('p', { id: 'reply-body' },
    el('a', { class: 'button', href: url, download: file }, `Download ${file}`),
    ` (${blob.size} bytes)`);
}

function extension(type) {
  if (type.includes('pcap')) return '.pcap';
  if (type.endsWith('xml')) return '.xml';
  return '.bin';
}

/** The same request as a curl command line, to take elsewhere. */
export function curl({ method, path, params, transfer, user }, auth) {
  const origin = window.location.origin;
  const quote = (text) => `'${String(text).replaceAll("'", "'\\''")}'`;
  const parts = ['curl'];
  if (origin.startsWith('https:')) parts.push('-k');
  if (user && auth !== 'none') parts.push(auth === 'basic' ? '--basic' : '--digest', '-u', quote(`${user}:…`));
  if (method !== 'GET' && method !== 'POST') parts.push('-X', method);
  const files = params.some((p) => p.value instanceof File);
  if (files || transfer === 'multipart') {
    for (const p of params) {
      parts.push('-F', quote(p.value instanceof File ? `${p.name}=@${p.value.name}` : `${p.name}=${p.value}`));
    }
    return `${parts.join(' ')} ${quote(origin + path)}`;
  }
  const encoded = new URLSearchParams(params.map((p) => [p.name, p.value])).toString();
  if (transfer === 'urlencoded') {
    if (encoded) parts.push('--data', quote(encoded));
    return `${parts.join(' ')} ${quote(origin + path)}`;
  }
  if (method === 'POST') parts.push('-X', 'POST');
  return `${parts.join(' ')} ${quote(origin + path + (encoded ? `?${encoded}` : ''))}`;
}
