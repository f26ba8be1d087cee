// The live part of the page: one stream of ticks (GET /connections/events) drives the totals, the charts, the
// connections table and the recent closes.
import { apiFetch, readEvents, Unauthorized } from './api.js';
import { reasonsChart, throughputChart } from './charts.js';
import * as format from './format.js';

const retryDelayMs = 2000;
const recentLimit = 10;

export class LiveView {
  constructor({ onUnauthorized, setStatus }) {
    this.onUnauthorized = onUnauthorized;
    this.setStatus = setStatus;
    this.previous = null;
    this.sort = 'age';
    this.descending = true;
    this.filter = new URLSearchParams();
    this.abort = null;
    this.running = false;
    this.closedSeen = -1;
    this.throughput = throughputChart(document.getElementById('throughput-chart'));
    this.reasons = reasonsChart(document.getElementById('reasons-chart'));
    this.table = document.querySelector('#connections-table tbody');
    this.rows = new Map();
    this.wireSorting();
    this.wireFilter();
  }

  /** Runs the feed until the API asks for a key; reconnects after the stream ends (a restart, a network blip). */
  async run() {
    if (this.running) {
      return;
    }

    this.running = true;
    try {
      for (;;) {
        this.abort = new AbortController();
        try {
          const response = await apiFetch(`/connections/events?${this.query()}`, {
            headers: { Accept: 'text/event-stream' },
            signal: this.abort.signal,
          });
          document.getElementById('filter-error').textContent = '';
          this.setStatus('Live');
          await readEvents(response, (type, data) => {
            if (type === 'tick') {
              this.onTick(JSON.parse(data));
            }
          });
          this.setStatus('The live feed ended (is the service restarting?); reconnecting…');
        } catch (error) {
          if (error instanceof Unauthorized) {
            this.onUnauthorized();
            return;
          }

          if (error.name === 'AbortError') {
            continue; // The table's sort or filter changed: reopen at once.
          }

          if (error.name === 'ApiError' && error.status === 400) {
            document.getElementById('filter-error').textContent = error.message;
            this.filter = new URLSearchParams();
            continue;
          }

          this.setStatus(`Disconnected (${error.message}); reconnecting…`);
        }

        this.previous = null;
        await new Promise((resolve) => setTimeout(resolve, retryDelayMs));
      }
    } finally {
      this.running = false;
    }
  }

  query() {
    const query = new URLSearchParams(this.filter);
    query.set('sort', this.sort);
    query.set('order', this.descending ? 'desc' : 'asc');
    return query.toString();
  }

  reopen() {
    this.abort?.abort();
  }

  onTick(tick) {
    const time = Date.parse(tick.time) / 1000;
    const previous = this.previous;
    this.previous = { ...tick, seconds: time };
    document.getElementById('total-live').textContent = tick.live.toString();
    document.getElementById('total-opened').textContent = `${tick.opened} opened, ${tick.refused} refused`;
    this.renderConnections(tick);
    if (tick.closed !== this.closedSeen) {
      this.closedSeen = tick.closed;
      this.refreshRecent();
    }

    if (previous === null) {
      return;
    }

    // Cumulative counts: a rate is the difference over the time between two ticks, never below zero (a connection
    // closing during a tick may count in both of its sums once).
    const elapsed = Math.max(time - previous.seconds, 0.001);
    const perSecond = (now, before) => Math.max(now - before, 0) / elapsed;
    const bytesIn = perSecond(tick.bytesReceived, previous.bytesReceived);
    const bytesOut = perSecond(tick.bytesSent, previous.bytesSent);
    const connections = perSecond(tick.opened, previous.opened);
    const refusals = perSecond(tick.refused, previous.refused);
    document.getElementById('rate-bytes-in').textContent = `${format.bytes(bytesIn)}/s`;
    document.getElementById('rate-bytes-out').textContent = `${format.bytes(bytesOut)}/s`;
    document.getElementById('rate-connections').textContent = `${format.rate(connections)}/s`;
    document.getElementById('rate-refusals').textContent = `${format.rate(refusals)}/s`;
    this.throughput.push(time, [bytesIn, bytesOut, connections, refusals]);

    for (const reason of Object.keys(tick.reasons)) {
      if (!this.reasons.hasSeries(reason)) {
        this.reasons.addSeries({ label: reason, value: (_, v) => (v == null ? '–' : `${format.rate(v)}/s`) });
      }
    }

    this.reasons.push(
      time,
      this.reasons.seriesOptions.map((series) => perSecond(tick.reasons[series.label] ?? 0, previous.reasons[series.label] ?? 0)),
    );
  }

  /** Updates rows in place, keyed by connection id, so a focused close button keeps its focus from tick to tick. */
  renderConnections(tick) {
    const listed = tick.connections.length;
    document.getElementById('connections-summary').textContent =
      listed < tick.matched ? `${tick.matched} match, the first ${listed} shown` : `${tick.matched} shown`;
    const seen = new Set();
    tick.connections.forEach((connection, index) => {
      seen.add(connection.id);
      let row = this.rows.get(connection.id);
      if (row === undefined) {
        row = this.createRow(connection);
        this.rows.set(connection.id, row);
      }

      const values = [
        connection.stage,
        connection.transport,
        format.seconds(connection.ageSeconds),
        format.seconds(connection.idleSeconds),
        format.bytes(connection.bytesReceived),
        format.bytes(connection.bytesSent),
      ];
      values.forEach((value, column) => {
        row.cells[column + 2].textContent = value;
      });
      if (this.table.rows[index] !== row) {
        this.table.insertBefore(row, this.table.rows[index] ?? null);
      }
    });

    for (const [id, row] of this.rows) {
      if (!seen.has(id)) {
        row.remove();
        this.rows.delete(id);
      }
    }
  }

  createRow(connection) {
    const row = document.createElement('tr');
    row.dataset.id = connection.id;
    const client = format.client(connection.remoteAddress, connection.remotePort);
    format.cell(row, connection.id);
    format.cell(row, client);
    for (let column = 0; column < 6; column++) {
      format.cell(row, '');
    }

    const close = document.createElement('button');
    close.type = 'button';
    close.textContent = 'Close';
    close.setAttribute('aria-label', `Close connection ${connection.id} from ${client}`);
    close.addEventListener('click', () => this.close(connection.id, close));
    row.insertCell().append(close);
    return row;
  }

  async close(id, button) {
    button.disabled = true;
    try {
      await apiFetch(`/connections/${encodeURIComponent(id)}`, { method: 'DELETE' });
      this.setStatus(`Closing connection ${id}`);
    } catch (error) {
      if (error instanceof Unauthorized) {
        this.onUnauthorized();
        return;
      }

      button.disabled = false;
      this.setStatus(`Could not close ${id}: ${error.message}`);
    }
  }

  async refreshRecent() {
    try {
      const response = await apiFetch(`/connections/recent?limit=${recentLimit}`);
      const recent = await response.json();
      const body = document.querySelector('#recent-table tbody');
      body.replaceChildren();
      for (const connection of recent.connections) {
        const row = body.insertRow();
        format.cell(row, format.time(connection.closedAt));
        format.cell(row, connection.id);
        format.cell(row, format.client(connection.remoteAddress, connection.remotePort));
        format.cell(row, connection.closeReason);
        format.cell(row, format.seconds(connection.durationSeconds));
        format.cell(row, format.bytes(connection.bytesReceived));
        format.cell(row, format.bytes(connection.bytesSent));
      }
    } catch (error) {
      if (error instanceof Unauthorized) {
        this.onUnauthorized();
      }
    }
  }

  wireSorting() {
    const headers = document.querySelectorAll('#connections-table th[data-sort]');
    for (const header of headers) {
      header.querySelector('button').addEventListener('click', () => {
        const sort = header.dataset.sort;
        // The API's own default: largest first, addresses upwards.
        this.descending = sort === this.sort ? !this.descending : sort !== 'remote';
        this.sort = sort;
        for (const other of headers) {
          other.setAttribute('aria-sort', other === header ? (this.descending ? 'descending' : 'ascending') : 'none');
        }

        this.reopen();
      });
    }
  }

  wireFilter() {
    document.getElementById('filter-form').addEventListener('submit', (event) => {
      event.preventDefault();
      this.filter = new URLSearchParams();
      for (const [name, value] of new FormData(event.target)) {
        if (value !== '') {
          this.filter.set(name, value);
        }
      }

      this.reopen();
    });
  }
}
