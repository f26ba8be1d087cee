// The history search: GET /connections/history (closed connections kept beyond the in-memory rings), page by page,
// and the same search as CSV. A service without history answers 404: the section says so and nothing else breaks.
import { apiFetch, Unauthorized } from './api.js';
import * as format from './format.js';

export class HistoryView {
  constructor({ onUnauthorized }) {
    this.onUnauthorized = onUnauthorized;
    this.form = document.getElementById('history-form');
    this.table = document.getElementById('history-table');
    this.more = document.getElementById('history-more');
    this.message = document.getElementById('history-message');
    this.next = null;
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.search(false);
    });
    this.more.addEventListener('click', () => this.search(true));
    document.getElementById('history-csv').addEventListener('click', () => this.download());
  }

  query() {
    const query = new URLSearchParams();
    for (const [name, value] of new FormData(this.form)) {
      if (value === '') {
        continue;
      }

      // datetime-local is the browser's local time without a zone: the API wants an instant.
      query.set(name, name === 'since' || name === 'until' ? new Date(value).toISOString() : value);
    }

    return query;
  }

  async search(append) {
    const query = this.query();
    if (append && this.next !== null) {
      query.set('cursor', this.next);
    }

    try {
      const response = await apiFetch(`/connections/history?${query}`);
      const page = await response.json();
      const body = this.table.tBodies[0];
      if (!append) {
        body.replaceChildren();
      }

      for (const connection of page.connections) {
        const row = body.insertRow();
        format.cell(row, format.time(connection.connectedAt));
        format.cell(row, format.time(connection.closedAt));
        format.cell(row, connection.id);
        format.cell(row, format.client(connection.remoteAddress, connection.remotePort));
        format.cell(row, connection.transport);
        format.cell(row, connection.closeReason);
        format.cell(row, format.seconds(connection.durationSeconds));
        format.cell(row, format.bytes(connection.bytesReceived));
        format.cell(row, format.bytes(connection.bytesSent));
      }

      this.next = page.next ?? null;
      this.more.hidden = this.next === null;
      this.table.hidden = false;
      this.message.textContent = `${body.rows.length} connections${this.next === null ? '' : ', more to load'}.`;
    } catch (error) {
      this.fail(error);
    }
  }

  /** Fetched, not linked: a link could not carry the API key. */
  async download() {
    // The whole search, not the page size: without a limit the API streams every matching row.
    const query = this.query();
    query.delete('limit');
    query.set('format', 'csv');
    try {
      const response = await apiFetch(`/connections/history?${query}`);
      const url = URL.createObjectURL(await response.blob());
      const link = document.createElement('a');
      link.href = url;
      link.download = 'connections.csv';
      link.click();
      URL.revokeObjectURL(url);
      this.message.textContent = 'CSV downloaded.';
    } catch (error) {
      this.fail(error);
    }
  }

  fail(error) {
    if (error instanceof Unauthorized) {
      this.onUnauthorized();
    } else if (error.name === 'ApiError' && error.status === 404) {
      this.message.textContent = 'This service keeps no connection history (GET /connections/history answered 404).';
      this.table.hidden = true;
      this.more.hidden = true;
    } else {
      this.message.textContent = `History search failed: ${error.message}`;
    }
  }
}
