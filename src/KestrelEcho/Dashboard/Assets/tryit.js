// The "try it" box: one text message through the WebSocket echo, which listens on the HTTP port (the page may come
// from the management port: GET /dashboard/config says which).
const timeoutMs = 5000;

export class TryIt {
  constructor() {
    this.reply = document.getElementById('tryit-reply');
    this.status = document.getElementById('tryit-status');
    document.getElementById('tryit-form').addEventListener('submit', (event) => {
      event.preventDefault();
      this.send(document.getElementById('tryit-text').value);
    });
  }

  async url() {
    const response = await fetch('/dashboard/config', { cache: 'no-store' });
    const config = await response.json();
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    return `${scheme}://${location.hostname}:${config.httpPort ?? location.port}${config.webSocketEchoPath}`;
  }

  async send(text) {
    this.reply.value = '';
    let url = '';
    try {
      url = await this.url();
      this.status.textContent = `Sending to ${url}…`;
      const echoed = await exchange(url, text);
      this.reply.value = echoed;
      this.status.textContent = echoed === text ? 'Echoed exactly.' : 'The echo differs from what was sent.';
    } catch (error) {
      this.status.textContent = `The WebSocket echo is not available${url ? ` at ${url}` : ''}: ${error.message}`;
    }
  }
}

function exchange(url, text) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error('no answer within 5 s'));
    }, timeoutMs);
    socket.addEventListener('open', () => socket.send(text));
    socket.addEventListener('message', (event) => {
      clearTimeout(timer);
      socket.close(1000);
      resolve(typeof event.data === 'string' ? event.data : '(binary)');
    });
    socket.addEventListener('error', () => {
      clearTimeout(timer);
      reject(new Error('the connection failed'));
    });
  });
}
