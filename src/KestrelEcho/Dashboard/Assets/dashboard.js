// The page's entry point: shows the key form when the admin API asks for a key, the dashboard otherwise.
import { forgetKey, hasKey, setKey } from './api.js';
import { HistoryView } from './history.js';
import { LiveView } from './live.js';
import { TryIt } from './tryit.js';

const keySection = document.getElementById('key-section');
const dashboard = document.getElementById('dashboard');
const status = document.getElementById('feed-status');

function setStatus(text) {
  status.textContent = text;
}

function askForKey() {
  const refused = hasKey();
  forgetKey();
  dashboard.hidden = true;
  keySection.hidden = false;
  document.getElementById('key-error').textContent = refused ? 'That key was refused.' : '';
  setStatus('Waiting for the API key');
  document.getElementById('key-input').focus();
}

const live = new LiveView({ onUnauthorized: askForKey, setStatus });
new HistoryView({ onUnauthorized: askForKey });
new TryIt();

document.getElementById('key-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const input = document.getElementById('key-input');
  setKey(input.value);
  input.value = '';
  start();
});

function start() {
  keySection.hidden = true;
  dashboard.hidden = false;
  live.run();
}

start();
