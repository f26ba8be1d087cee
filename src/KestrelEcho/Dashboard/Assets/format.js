// How numbers and times read on the page.
const byteUnits = ['B', 'KB', 'MB', 'GB', 'TB'];

export function bytes(value) {
  let scaled = value;
  let unit = 0;
  while (Math.abs(scaled) >= 1000 && unit < byteUnits.length - 1) {
    scaled /= 1000;
    unit++;
  }

  return `${unit === 0 ? Math.round(scaled) : scaled.toFixed(1)} ${byteUnits[unit]}`;
}

export function rate(value) {
  return value >= 10 || value === 0 ? Math.round(value).toString() : value.toFixed(1);
}

export function seconds(value) {
  if (value < 60) {
    return `${value.toFixed(1)} s`;
  }

  if (value < 3600) {
    return `${Math.floor(value / 60)} min ${Math.floor(value % 60)} s`;
  }

  return `${Math.floor(value / 3600)} h ${Math.floor((value % 3600) / 60)} min`;
}

export function time(iso) {
  return iso ? new Date(iso).toLocaleString() : '';
}

export function client(address, port) {
  if (!address) {
    return '';
  }

  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

/** A table cell with text only: nothing the service returns is ever parsed as HTML. */
export function cell(row, text) {
  const td = row.insertCell();
  td.textContent = text;
  return td;
}
