// Charts as plain SVG text: scales, ticks, paths, a daily time series with two axes and horizontal bar charts.
// Pure: no DOM. Every chart is an <svg role="img"> whose aria-label summarises what it shows, every mark carries a
// <title> (the browser's tooltip), and the page puts a data table beside it for anyone who cannot read the picture.

/** Text safe inside SVG/XML text and attribute values. */
export function escapeXml(value) {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ({
    '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;',
  }[c]));
}

/** Maps [d0, d1] onto [r0, r1] linearly; a zero-width domain maps everything to the middle of the range. */
export function linearScale([d0, d1], [r0, r1]) {
  const span = d1 - d0;
  const scale = (value) => (span === 0 ? (r0 + r1) / 2 : r0 + ((value - d0) / span) * (r1 - r0));
  scale.domain = [d0, d1];
  scale.range = [r0, r1];
  return scale;
}

/** The smallest and largest finite value, always including 0 (bars and spend read from zero); [0, 1] when none. */
export function extent(values, { includeZero = true } = {}) {
  const finite = values.filter((v) => typeof v === 'number' && Number.isFinite(v));
  if (!finite.length) return [0, 1];
  let min = Math.min(...finite);
  let max = Math.max(...finite);
  if (includeZero) {
    min = Math.min(0, min);
    max = Math.max(0, max);
  }
  if (min === max) max = min === 0 ? 1 : min + Math.abs(min);
  return [min, max];
}

/** A step of 1, 2 or 5 × 10^n near span/count. */
function niceStep(span, count) {
  const raw = span / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
  return nice * power;
}

/**
 * Round tick values covering [min, max]: {min, max, step, ticks}, the domain widened to whole steps. A zero-width or
 * empty domain becomes [0, 1].
 */
export function niceTicks(min, max, count = 5) {
  if (!Number.isFinite(min) || !Number.isFinite(max) || min === max) {
    if (Number.isFinite(min) && min !== 0) return niceTicks(Math.min(0, min), Math.max(0, min), count);
    return niceTicks(0, 1, count);
  }
  if (min > max) [min, max] = [max, min];
  const step = niceStep(max - min, count);
  const lo = Math.floor(min / step) * step;
  const hi = Math.ceil(max / step) * step;
  const ticks = [];
  // Rounded to the step's decimals, so 0.1 + 0.2 shows as 0.3.
  const decimals = Math.max(0, -Math.floor(Math.log10(step)));
  for (let i = 0; lo + i * step <= hi + step / 1e9; i++) ticks.push(Number((lo + i * step).toFixed(decimals)));
  return { min: lo, max: hi, step, ticks };
}

/** Tick labels short enough for an axis: 950, 1.2k, 3.4M; decimals only where the step needs them. */
export function formatTick(value, step = 1) {
  const abs = Math.abs(value);
  const trim = (n) => String(Number(n.toFixed(2)));
  if (abs >= 1e9) return `${trim(value / 1e9)}B`;
  if (abs >= 1e6) return `${trim(value / 1e6)}M`;
  if (abs >= 1e4) return `${trim(value / 1e3)}k`;
  const decimals = step >= 1 ? 0 : Math.min(6, Math.max(0, -Math.floor(Math.log10(step))));
  return value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/**
 * An SVG path through pixel points [{x, y}] ("M x y L x y …"); a point whose y is null ends a segment, so a gap
 * in the data shows as a gap. Empty string when there is nothing to draw.
 */
export function linePath(points) {
  const segments = [];
  let current = [];
  for (const point of points) {
    if (point.y === null || point.y === undefined || !Number.isFinite(point.y)) {
      if (current.length) segments.push(current);
      current = [];
    } else {
      current.push(`${round(point.x)} ${round(point.y)}`);
    }
  }
  if (current.length) segments.push(current);
  return segments.map((segment) => `M${segment.join(' L')}`).join(' ');
}

const round = (n) => Math.round(n * 10) / 10;

/** Positions for categories: {position(key) → start, bandwidth}; keys in the order given. */
export function bandScale(keys, [r0, r1], padding = 0.2) {
  const n = keys.length;
  const step = n ? (r1 - r0) / n : 0;
  const bandwidth = step * (1 - padding);
  const index = new Map(keys.map((k, i) => [k, i]));
  return {
    bandwidth,
    step,
    position: (key) => (index.has(key) ? r0 + index.get(key) * step + (step - bandwidth) / 2 : null),
  };
}

/** Indexes of about `count` evenly spaced labels among n, always the first and the last. */
export function labelIndexes(n, count) {
  if (n <= 0) return [];
  if (n <= count) return [...Array(n).keys()];
  const every = Math.ceil((n - 1) / (count - 1));
  const picked = [];
  for (let i = 0; i < n - 1; i += every) picked.push(i);
  if (n - 1 - picked[picked.length - 1] < every / 2) picked.pop();
  picked.push(n - 1);
  return picked;
}

const plain = (value) => (typeof value === 'number' && Number.isFinite(value)
  ? value.toLocaleString('en-US', { maximumFractionDigits: 2 }) : '—');

function svgOpen(width, height, label, className) {
  return `<svg xmlns="http://www.w3.org/2000/svg" class="chart ${className}" role="img" width="${width}" `
    + `height="${height}" viewBox="0 0 ${width} ${height}" aria-label="${escapeXml(label)}">`;
}

function emptyChart(width, height, title, className) {
  const summary = `${title}: no data in this period.`;
  return {
    empty: true, summary,
    svg: `${svgOpen(width, height, summary, className)}<text class="chart-empty" x="${width / 2}" y="${height / 2}" `
      + `text-anchor="middle">No data in this period</text></svg>`,
  };
}

/**
 * A daily time series: `days` (ISO dates, continuous), one or two `series` {name, values (numbers or null, one per
 * day), format (value → text)}; the first on the left axis, the second on the right. `marks` [{date, label}] are
 * drawn on the first series (spend anomalies) with their label as the tooltip. Returns {svg, summary, empty}.
 */
export function timeSeriesChart({ days, series, marks = [], width = 720, height = 260, title = 'Daily series' }) {
  const className = 'time-series';
  const shown = series.filter(Boolean);
  if (!days.length || !shown.length || shown.every((s) => s.values.every((v) => v === null || v === undefined))) {
    return emptyChart(width, height, title, className);
  }
  const compact = width < 480;
  const margin = { top: 14, right: shown.length > 1 ? (compact ? 40 : 54) : 14, bottom: 30, left: compact ? 40 : 54 };
  const x = days.length === 1
    ? () => (margin.left + width - margin.right) / 2
    : linearScale([0, days.length - 1], [margin.left, width - margin.right]);
  const axes = shown.map((s) => {
    const [lo, hi] = extent(s.values);
    const ticks = niceTicks(lo, hi, compact ? 4 : 5);
    return { ticks, y: linearScale([ticks.min, ticks.max], [height - margin.bottom, margin.top]) };
  });
  const parts = [svgOpen(width, height, '', className)];
  // Grid and the left axis come from the first series; the right axis only labels the second.
  const left = axes[0];
  for (const tick of left.ticks.ticks) {
    const y = round(left.y(tick));
    parts.push(`<line class="grid${tick === 0 ? ' zero' : ''}" x1="${margin.left}" x2="${width - margin.right}" `
      + `y1="${y}" y2="${y}"/>`,
    `<text class="tick y-left" x="${margin.left - 6}" y="${y}" dy="0.32em" text-anchor="end">`
      + `${escapeXml(formatTick(tick, left.ticks.step))}</text>`);
  }
  if (axes[1]) {
    for (const tick of axes[1].ticks.ticks) {
      parts.push(`<text class="tick y-right" x="${width - margin.right + 6}" y="${round(axes[1].y(tick))}" `
        + `dy="0.32em">${escapeXml(formatTick(tick, axes[1].ticks.step))}</text>`);
    }
  }
  for (const i of labelIndexes(days.length, compact ? 3 : 6)) {
    const anchor = days.length > 1 && i === 0 ? 'start' : days.length > 1 && i === days.length - 1 ? 'end' : 'middle';
    parts.push(`<text class="tick x" x="${round(x(i))}" y="${height - margin.bottom + 18}" text-anchor="${anchor}">`
      + `${escapeXml(shortDate(days[i]))}</text>`);
  }
  parts.push(`<line class="axis" x1="${margin.left}" x2="${width - margin.right}" y1="${height - margin.bottom}" `
    + `y2="${height - margin.bottom}"/>`);
  shown.forEach((s, k) => {
    const points = s.values.map((v, i) => ({ x: x(i), y: v === null || v === undefined ? null : axes[k].y(v) }));
    parts.push(`<path class="line series-${k}" d="${linePath(points)}" fill="none"/>`);
    if (days.length === 1 || s.values.filter((v) => v !== null && v !== undefined).length === 1) {
      points.filter((p) => p.y !== null).forEach((p) => parts.push(
        `<circle class="dot series-${k}" cx="${round(p.x)}" cy="${round(p.y)}" r="3.5"/>`));
    }
  });
  const byDate = new Map(days.map((d, i) => [d, i]));
  for (const mark of marks) {
    const i = byDate.get(mark.date);
    const v = i === undefined ? null : shown[0].values[i];
    if (i === undefined || v === null || v === undefined) continue;
    parts.push(`<g class="mark"><line x1="${round(x(i))}" x2="${round(x(i))}" y1="${margin.top}" `
      + `y2="${height - margin.bottom}"/><circle cx="${round(x(i))}" cy="${round(axes[0].y(v))}" r="5">`
      + `<title>${escapeXml(mark.label)}</title></circle></g>`);
  }
  // One hover column per day: its title is the tooltip with every series' value that day.
  const slot = days.length > 1 ? (width - margin.left - margin.right) / (days.length - 1) : width - margin.left
    - margin.right;
  days.forEach((day, i) => {
    const text = [day, ...shown.map((s) => `${s.name}: ${s.format ? s.format(s.values[i]) : plain(s.values[i])}`)];
    const markLabels = marks.filter((m) => m.date === day).map((m) => m.label);
    parts.push(`<rect class="hover" x="${round(Math.max(0, x(i) - slot / 2))}" y="${margin.top}" `
      + `width="${round(Math.max(1, slot))}" height="${height - margin.top - margin.bottom}">`
      + `<title>${escapeXml([...text, ...markLabels].join('\n'))}</title></rect>`);
  });
  parts.push('</svg>');
  const summary = seriesSummary(title, days, shown, marks);
  parts[0] = svgOpen(width, height, summary, className);
  return { svg: parts.join(''), summary, empty: false };
}

/** "Jan 5" from 2024-01-05, read as a calendar day (no time zone shift). */
export function shortDate(iso) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(iso));
  if (!match) return String(iso);
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  return `${months[Number(match[2]) - 1]} ${Number(match[3])}`;
}

function seriesSummary(title, days, series, marks) {
  const range = days.length === 1 ? `on ${days[0]}` : `from ${days[0]} to ${days[days.length - 1]}`;
  const parts = series.map((s) => {
    let best = -1;
    s.values.forEach((v, i) => {
      if (v !== null && v !== undefined && (best < 0 || v > s.values[best])) best = i;
    });
    const format = s.format || plain;
    return best < 0 ? `${s.name}: no values` : `${s.name} highest ${format(s.values[best])} on ${days[best]}`;
  });
  const anomalies = marks.length ? ` ${marks.length} spend ${marks.length === 1 ? 'anomaly' : 'anomalies'} marked.` : '';
  return `${title} ${range}: ${parts.join('; ')}.${anomalies}`;
}

/**
 * Horizontal bars, one per item {label, value, other} in the order given, from a zero line (negative values go
 * left of it). `format` renders values. Returns {svg, summary, empty}; the height follows the number of bars.
 */
export function barChart({ items, width = 360, title = 'Breakdown', format = plain, barHeight = 22 }) {
  const className = 'bars';
  const usable = items.filter((item) => typeof item.value === 'number' && Number.isFinite(item.value));
  if (!usable.length) return emptyChart(width, 80, title, className);
  const margin = { top: 6, right: 12, bottom: 6, left: 12 };
  const labelWidth = Math.min(Math.round(width * 0.36), 150);
  const valueWidth = 74;
  const rowHeight = barHeight + 14;
  const height = margin.top + margin.bottom + rowHeight * usable.length;
  const [lo, hi] = extent(usable.map((i) => i.value));
  const x = linearScale([lo, hi], [margin.left + labelWidth, width - margin.right - valueWidth]);
  const zero = x(0);
  const parts = [];
  usable.forEach((item, i) => {
    const top = margin.top + i * rowHeight;
    const start = Math.min(zero, x(item.value));
    const length = Math.max(item.value === 0 ? 0 : 1, Math.abs(x(item.value) - zero));
    const label = truncate(item.label, Math.max(6, Math.floor(labelWidth / 7.2)));
    const value = format(item.value);
    parts.push(`<g class="bar-row${item.other ? ' other' : ''}${item.value < 0 ? ' negative' : ''}">`
      + `<title>${escapeXml(`${item.label}: ${value}`)}</title>`
      + `<text class="bar-label" x="${margin.left}" y="${top + barHeight / 2}" dy="0.32em">${escapeXml(label)}</text>`
      + `<rect class="bar" x="${round(start)}" y="${top}" width="${round(length)}" height="${barHeight}" rx="3"/>`
      + `<text class="bar-value" x="${round(Math.max(zero, x(item.value)) + 6)}" y="${top + barHeight / 2}" `
      + `dy="0.32em">${escapeXml(value)}</text></g>`);
  });
  if (lo < 0) {
    parts.push(`<line class="axis zero" x1="${round(zero)}" x2="${round(zero)}" y1="${margin.top}" `
      + `y2="${height - margin.bottom}"/>`);
  }
  const top = usable.slice(0, 3).map((item) => `${item.label} ${format(item.value)}`).join(', ');
  const summary = `${title}: ${usable.length} ${usable.length === 1 ? 'bar' : 'bars'}; ${top}${usable.length > 3 ? ', …' : ''}.`;
  return { svg: svgOpen(width, height, summary, className) + parts.join('') + '</svg>', summary, empty: false };
}

function truncate(text, max) {
  const s = String(text ?? '');
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}
