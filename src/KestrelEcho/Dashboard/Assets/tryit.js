// The "try it" box: text messages through the WebSocket echo, which listens on the HTTP port (the page may come
// from the management port: GET /dashboard/config says which). One WebSocket carries every message until the
// "Disconnect" button or the service closes it, so the session can be watched in the live table meanwhile.
const timeoutMs = 5000;

export class TryIt {
  constructor() {
    this.reply = document.getElementById('tryit-reply');
    this.status = document.getElementById('tryit-status');
    this.disconnect = document.getElementById('tryit-disconnect');
    this.socket = null;
    document.getElementById('tryit-form').addEventListener('submit', (event) => {
      event.preventDefault();
      this.send(document.getElementById('tryit-text').value);
    });
    this.disconnect.addEventListener('click', () => this.socket?.close(1000));
  }

  async url() {
    const response = await fetch('/dashboard/config', { cache: 'no-store' });
    const config = await response.json();
    if (!config.webSocketEchoPath) {
      throw new Error('it is turned off (EchoWebSocket:Enabled is false)');
    }

    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    return `${scheme}://${location.hostname}:${config.httpPort ?? location.port}${config.webSocketEchoPath}`;
  }

  async send(text) {
    this.reply.value = '';
    let url = '';
    try {
      url = await this.url();
      this.status.textContent = `Sending to ${url}…`;
      const socket = await this.connected(url);
      const echoed = await exchange(socket, text);
      this.reply.value = echoed;
      this.status.textContent = echoed === text ? 'Echoed exactly; still connected.' : 'The echo differs from what was sent.';
    } catch (error) {
      this.status.textContent = `The WebSocket echo is not available${url ? ` at ${url}` : ''}: ${error.message}`;
    }
  }

  /** The open WebSocket, opened first when there is none (or the service closed the last one, e.g. when idle). */
  connected(url) {
    if (this.socket?.readyState === WebSocket.OPEN) {
      return Promise.resolve(this.socket);
    }

    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url);
      const timer = setTimeout(() => {
        socket.close();
        reject(new Error('not connected within 5 s'));
      }, timeoutMs);
      socket.addEventListener('open', () => {
        clearTimeout(timer);
        this.socket = socket;
        this.disconnect.hidden = false;
        resolve(socket);
      });
      socket.addEventListener('error', () => {
        clearTimeout(timer);
        reject(new Error('the connection failed'));
      });
      socket.addEventListener('close', () => {
        if (this.socket === socket) {
          this.socket = null;
          this.disconnect.hidden = true;
          this.status.textContent = 'Disconnected.';
        }
      });
    });
  }
}

function exchange(socket, text) {
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      socket.removeEventListener('message', answered);
      socket.removeEventListener('close', closed);
    };
    const answered = (event) => {
      done();
      resolve(typeof event.data === 'string' ? event.data : '(binary)');
    };
    const closed = () => {
      done();
      reject(new Error('the connection closed before the answer'));
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error('no answer within 5 s'));
    }, timeoutMs);
    socket.addEventListener('message', answered);
    socket.addEventListener('close', closed);
    socket.send(text);
  });
}
