/// <reference lib="dom" />
// The playground page: a Slack channel drawn from the stand-in's state, a composer with command
// completion, buttons with their confirm dialogs, modals, and the "who am I" switch. Every click
// goes to the stand-in, which sends the app what Slack would send.
import { type AnyBlock, escapeHtml, mrkdwn, renderBlock, renderMessage, type TextObject, textObject } from './blockKit.ts';

interface Person {
  id: string;
  name: string;
  approver: boolean;
}
interface Message {
  ts: string;
  user: string;
  text: string;
  blocks?: AnyBlock[];
  visibleTo?: string;
  command?: boolean;
}
interface View {
  id: string;
  view: { title?: TextObject; submit?: TextObject; close?: TextObject; blocks?: AnyBlock[] };
  errors?: Record<string, string>;
}
interface Info {
  people: Person[];
  bot: { id: string; name: string };
  channel: string;
  commands: { command: string; description: string; usage_hint?: string }[];
  setup: { name: string; set: boolean; what: string }[];
  manifest: string;
}
interface State {
  messages: Message[];
  view?: View;
}

const $ = <T extends HTMLElement>(selector: string) => document.querySelector<T>(selector)!;
let info: Info;
let me = localStorage.getItem('burnrate-playground-user') ?? '';

async function call(path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(
    path,
    body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
  );
  const answer = (await response.json()) as { error?: string };
  if (!response.ok) throw new Error(answer.error ?? `HTTP ${response.status}`);
  return answer;
}

function showError(error: unknown): void {
  const banner = $('#error');
  banner.textContent = (error as Error).message;
  banner.hidden = false;
  setTimeout(() => {
    banner.hidden = true;
  }, 8000);
}

const names = () =>
  Object.fromEntries([...info.people.map((p) => [p.id, p.name]), [info.bot.id, info.bot.name], ['USLACKBOT', 'Slackbot']]);
const time = (ts: string) => new Date(Number(ts.split('.')[0]) * 1000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

function messageHtml(message: Message): string {
  const people = names();
  const author = people[message.user] ?? message.user;
  const note = message.visibleTo ? '<span class="only-you">Only visible to you</span>' : '';
  const body = message.command ? `<div class="typed"><code>${escapeHtml(message.text)}</code></div>` : renderMessage(message, { people });
  return (
    `<article class="message${message.visibleTo ? ' ephemeral' : ''}${message.command ? ' command' : ''}" data-ts="${message.ts}">` +
    `<header><b>${escapeHtml(author)}</b>${message.user === info.bot.id ? ' <span class="app">APP</span>' : ''} <time>${time(message.ts)}</time> ${note}</header>` +
    `<div class="blocks">${body}</div></article>`
  );
}

function viewHtml(open: View): string {
  const { view } = open;
  const general = open.errors?.[''] ? `<div class="bk-error" role="alert">${escapeHtml(open.errors[''])}</div>` : '';
  return (
    `<form class="modal" data-view-id="${open.id}"><h2>${textObject(view.title)}</h2>` +
    `${(view.blocks ?? []).map((b) => renderBlock(b, { people: names(), ...(open.errors ? { errors: open.errors } : {}) })).join('')}${general}` +
    `<footer><button type="button" class="secondary" data-close>${textObject(view.close ?? { type: 'plain_text', text: 'Cancel' })}</button>` +
    `<button type="submit" class="primary">${textObject(view.submit ?? { type: 'plain_text', text: 'Submit' })}</button></footer></form>`
  );
}

let lastState = '';
let refreshing: Promise<void> | undefined;
let refreshAgain = false;

/** Redraws from the stand-in's state; changes that arrive meanwhile redraw once more after it, never out of order. */
function refresh(): Promise<void> {
  if (refreshing) {
    refreshAgain = true;
    return refreshing;
  }
  refreshing = redraw().finally(() => {
    refreshing = undefined;
    if (refreshAgain) {
      refreshAgain = false;
      void refresh().catch(showError);
    }
  });
  return refreshing;
}

async function redraw(): Promise<void> {
  const user = me;
  const state = (await call(`/playground/state?user=${encodeURIComponent(user)}`)) as State;
  const serialized = JSON.stringify(state);
  document.body.dataset.user = user;
  if (serialized === lastState) return;
  lastState = serialized;
  const list = $('#messages');
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
  list.innerHTML =
    state.messages.map(messageHtml).join('') ||
    '<p class="empty">No messages yet. Type a command below, or run the digest or the scan.</p>';
  if (atBottom) list.scrollTop = list.scrollHeight;
  const layer = $('#modal-layer');
  const openId = layer.querySelector<HTMLFormElement>('form.modal')?.dataset.viewId;
  if (!state.view) layer.innerHTML = '';
  else if (openId !== state.view.id || state.view.errors) {
    // keep what was typed when the app answers with errors
    const typed = new Map([...layer.querySelectorAll<HTMLInputElement>('.bk-input')].map((i) => [i.name, i.value]));
    layer.innerHTML = viewHtml(state.view);
    for (const field of layer.querySelectorAll<HTMLInputElement>('.bk-input'))
      if (typed.has(field.name)) field.value = typed.get(field.name)!;
  }
  layer.hidden = !state.view;
}

/** Slack's confirm dialog: resolves true when the confirm button is pressed. */
function confirmDialog(confirm: {
  title: TextObject;
  text: TextObject;
  confirm: TextObject;
  deny: TextObject;
  style?: string;
}): Promise<boolean> {
  const dialog = $<HTMLDialogElement>('#confirm');
  dialog.innerHTML =
    `<h2>${textObject(confirm.title)}</h2><div class="confirm-text">${textObject(confirm.text, { people: names() })}</div>` +
    `<footer><button type="button" class="secondary" value="deny">${textObject(confirm.deny)}</button>` +
    `<button type="button" class="${confirm.style === 'danger' ? 'danger' : 'primary'}" value="confirm">${textObject(confirm.confirm)}</button></footer>`;
  return new Promise((resolve) => {
    for (const button of dialog.querySelectorAll('button')) {
      button.addEventListener('click', () => {
        dialog.close();
        resolve(button.value === 'confirm');
      });
    }
    dialog.showModal();
  });
}

async function onMessageClick(event: MouseEvent): Promise<void> {
  const button = (event.target as HTMLElement).closest<HTMLButtonElement>('button.bk-button');
  if (!button) return;
  const ts = button.closest<HTMLElement>('article.message')!.dataset.ts!;
  if (button.dataset.confirm && !(await confirmDialog(JSON.parse(button.dataset.confirm)))) return;
  button.disabled = true;
  await call('/playground/click', { user: me, ts, blockId: button.dataset.blockId, actionId: button.dataset.actionId }).catch(showError);
  button.disabled = false;
}

async function send(text: string): Promise<void> {
  await call('/playground/command', { user: me, text }).catch(showError);
}

/** The composer's completion: commands whose name starts with what is typed, with their usage. */
function complete(): void {
  const input = $<HTMLInputElement>('#composer-input');
  const list = $('#completions');
  const typed = input.value;
  const matches = typed.startsWith('/') && !typed.includes(' ') ? info.commands.filter((c) => c.command.startsWith(typed)) : [];
  list.innerHTML = matches
    .map(
      (c, i) =>
        `<li role="option" data-command="${c.command}"${i === 0 ? ' class="active"' : ''}><b>${c.command}</b> <span class="usage">${escapeHtml(c.usage_hint ?? '')}</span><div class="description">${escapeHtml(c.description)}</div></li>`,
    )
    .join('');
  list.hidden = !matches.length;
}

function accept(command: string): void {
  const input = $<HTMLInputElement>('#composer-input');
  input.value = `${command} `;
  $('#completions').hidden = true;
  input.focus();
}

function renderWho(): void {
  $('#who').innerHTML = info.people
    .map(
      (p) =>
        `<option value="${p.id}"${p.id === me ? ' selected' : ''}>${escapeHtml(p.name)} (${p.approver ? 'approver' : 'not an approver'})</option>`,
    )
    .join('');
}

function renderSetup(): void {
  $('#setup-list').innerHTML = info.setup
    .map(
      (s) =>
        `<li class="${s.set ? 'set' : 'missing'}"><code>${escapeHtml(s.name)}</code> ${s.set ? 'set' : 'missing'}: ${mrkdwn(s.what)}</li>`,
    )
    .join('');
  $('#manifest').textContent = info.manifest;
}

async function start(): Promise<void> {
  info = (await call('/playground/info')) as Info;
  if (!info.people.some((p) => p.id === me)) me = info.people[0]!.id;
  renderWho();
  renderSetup();
  $('#channel-name').textContent = `#${info.channel}`;
  $('#who').addEventListener('change', () => {
    me = $<HTMLSelectElement>('#who').value;
    localStorage.setItem('burnrate-playground-user', me);
    lastState = '';
    void refresh();
  });
  $('#messages').addEventListener('click', (event) => void onMessageClick(event));
  const input = $<HTMLInputElement>('#composer-input');
  input.addEventListener('input', complete);
  input.addEventListener('blur', () => {
    $('#completions').hidden = true;
  });
  input.addEventListener('keydown', (event) => {
    const active = $('#completions').querySelector<HTMLElement>('li.active');
    if (
      active &&
      !$('#completions').hidden &&
      (event.key === 'Tab' || (event.key === 'Enter' && input.value.trim() !== active.dataset.command))
    ) {
      event.preventDefault();
      accept(active.dataset.command!);
    }
  });
  $('#completions').addEventListener('mousedown', (event) => {
    const item = (event.target as HTMLElement).closest<HTMLElement>('li');
    if (item) {
      event.preventDefault();
      accept(item.dataset.command!);
    }
  });
  $('#composer').addEventListener('submit', (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = '';
    $('#completions').hidden = true;
    void send(text);
  });
  $('#run-digest').addEventListener('click', () => void send('/finops digest public'));
  $('#run-scan').addEventListener('click', () => void send('/finops scan public'));
  $('#modal-layer').addEventListener('submit', (event) => {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const values: Record<string, Record<string, string>> = {};
    for (const field of form.querySelectorAll<HTMLInputElement>('.bk-input')) {
      (values[field.dataset.blockId!] ??= {})[field.dataset.actionId!] = field.value;
    }
    void call('/playground/submit', { user: me, viewId: form.dataset.viewId, values }).catch(showError);
  });
  $('#modal-layer').addEventListener('click', (event) => {
    if (!(event.target as HTMLElement).closest('[data-close]')) return;
    const form = $<HTMLFormElement>('#modal-layer form.modal');
    void call('/playground/close', { user: me, viewId: form.dataset.viewId }).catch(showError);
  });
  new EventSource('/playground/events').addEventListener('change', () => void refresh().catch(showError));
  await refresh();
  document.body.dataset.ready = 'true';
}

void start().catch(showError);
