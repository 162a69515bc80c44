/**
 * The room's gibber page (/gibber): one text box, a counter against the
 * gibb length limit, and the server's answer in words. A rate-limit refusal
 * disables the button with a countdown instead of letting people hammer it.
 */
import { PROTOCOL_LIMITS } from '@banana-market/protocol';
import { postGibb } from './post-gibb.js';

const MAX = PROTOCOL_LIMITS.maxGibbLength;
const server = new URLSearchParams(window.location.search).get('server') ?? window.location.origin;

const form = document.getElementById('gibb-form') as HTMLFormElement;
const textBox = document.getElementById('gibb-text') as HTMLTextAreaElement;
const counter = document.getElementById('counter') as HTMLSpanElement;
const sendButton = document.getElementById('send') as HTMLButtonElement;
const status = document.getElementById('status') as HTMLParagraphElement;
const sentList = document.getElementById('sent-list') as HTMLOListElement;

let waitUntil = 0;
let sending = false;

function showStatus(kind: 'accepted' | 'refused' | 'info', message: string): void {
  status.className = kind;
  status.textContent = message;
}

function refresh(): void {
  const length = [...textBox.value].length;
  counter.textContent = `${length} / ${MAX}`;
  counter.classList.toggle('over', length > MAX);
  const waiting = Date.now() < waitUntil;
  sendButton.disabled = sending || waiting || textBox.value.trim() === '' || length > MAX;
  if (waiting) sendButton.textContent = `Wait ${Math.ceil((waitUntil - Date.now()) / 1000)} s`;
  else sendButton.textContent = sending ? 'Sending…' : 'Gibb it';
}

function remember(text: string, time: string): void {
  const item = document.createElement('li');
  const when = document.createElement('time');
  when.dateTime = time;
  when.textContent = new Date(time).toLocaleTimeString();
  item.append(when, document.createTextNode(text));
  sentList.prepend(item);
  while (sentList.children.length > 20) sentList.lastElementChild?.remove();
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const text = textBox.value.trim();
  if (text === '' || sending) return;
  sending = true;
  refresh();
  void postGibb(server, text).then((outcome) => {
    sending = false;
    if (outcome.kind === 'accepted') {
      showStatus('accepted', 'Gibbed! Watch the ticker on the big screen.');
      remember(outcome.gibb.text, outcome.gibb.time);
      textBox.value = '';
    } else {
      showStatus('refused', outcome.message);
      if (outcome.retryAfterSeconds !== undefined) waitUntil = Date.now() + outcome.retryAfterSeconds * 1000;
    }
    refresh();
  });
});

textBox.addEventListener('input', refresh);
// The countdown on the button while a rate limit lasts.
setInterval(refresh, 500);
refresh();
