// Time-series charts over uPlot (vendor/uplot-*), the last five minutes of one-second ticks.
import * as format from './format.js';

const window5Minutes = 300;
const height = 220;

// Distinguishable on white, in the order series appear.
const palette = ['#1f5fa8', '#b8420f', '#2b7a32', '#8a2e8a', '#806000', '#1b6f6f', '#a3213a', '#4a4a9c', '#5c5c5c'];

/** A chart of named series that share the time axis; series may be added as they first appear. */
export class TimeChart {
  constructor(container, seriesOptions, axes) {
    this.container = container;
    this.axes = axes;
    this.seriesOptions = seriesOptions;
    this.data = [[], ...seriesOptions.map(() => [])];
    this.plot = null;
    new ResizeObserver(() => this.plot?.setSize(this.size())).observe(container);
  }

  hasSeries(label) {
    return this.seriesOptions.some((series) => series.label === label);
  }

  /** Adds a series, zero for the ticks before it appeared; the chart is built anew (rare: a new close reason). */
  addSeries(series) {
    this.seriesOptions.push(series);
    this.data.push(this.data[0].map(() => 0));
    this.plot?.destroy();
    this.plot = null;
  }

  /** Appends one tick: time in seconds since the epoch, then a value per series, in order. */
  push(time, values) {
    this.data[0].push(time);
    values.forEach((value, index) => this.data[index + 1].push(value));
    if (this.data[0].length > window5Minutes) {
      this.data.forEach((column) => column.shift());
    }

    if (this.seriesOptions.length === 0) {
      return;
    }

    if (this.plot === null) {
      this.plot = new uPlot(this.options(), this.data, this.container);
    } else {
      this.plot.setData(this.data);
    }

    this.container.dataset.points = this.data[0].length.toString();
  }

  size() {
    return { width: Math.max(this.container.clientWidth, 200), height };
  }

  options() {
    return {
      ...this.size(),
      scales: { x: { time: true } },
      series: [
        {},
        ...this.seriesOptions.map((series, index) => ({
          stroke: palette[index % palette.length],
          width: 2,
          ...series,
        })),
      ],
      axes: this.axes,
      cursor: { drag: { x: false, y: false } },
    };
  }
}

export function throughputChart(container) {
  return new TimeChart(
    container,
    [
      { label: 'Received', scale: 'bytes', value: (_, v) => (v == null ? '–' : `${format.bytes(v)}/s`) },
      { label: 'Sent', scale: 'bytes', value: (_, v) => (v == null ? '–' : `${format.bytes(v)}/s`) },
      { label: 'Connections', scale: 'count', value: (_, v) => (v == null ? '–' : `${format.rate(v)}/s`) },
      { label: 'Refusals', scale: 'count', value: (_, v) => (v == null ? '–' : `${format.rate(v)}/s`) },
    ],
    [
      {},
      { scale: 'bytes', size: 90, values: (_, ticks) => ticks.map((v) => `${format.bytes(v)}/s`) },
      { scale: 'count', side: 1, size: 50, grid: { show: false }, values: (_, ticks) => ticks.map((v) => `${v}/s`) },
    ],
  );
}

export function reasonsChart(container) {
  return new TimeChart(container, [], [{}, { size: 50, values: (_, ticks) => ticks.map((v) => `${v}/s`) }]);
}
