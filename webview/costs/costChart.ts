import { axisBottom, axisLeft, scaleBand, scaleLinear, select } from 'd3';
import { formatCost } from '../../src/model/formatValues';
import { revealInvisible } from '../../src/model/revealInvisible';
import type { StackedDay } from './costsModel';

const HEIGHT = 240;
const MARGIN = { top: 10, right: 12, bottom: 28, left: 64 };
/** Series colours come from CSS (`.series-0` … `.series-8`), so both themes apply. */
export const SERIES_CLASSES = 9;

/** Cost per day as stacked bars (D3 scales and axes, SVG); every label is a text node. */
export function costChart(stack: { keys: string[]; days: StackedDay[] }, width: number): SVGSVGElement {
  const chartWidth = Math.max(320, width);
  const svg = select(document.createElementNS('http://www.w3.org/2000/svg', 'svg'));
  svg.attr('class', 'cost-chart').attr('width', chartWidth).attr('height', HEIGHT).attr('role', 'img').attr('aria-label', 'Cost per day');
  const innerWidth = chartWidth - MARGIN.left - MARGIN.right;
  const innerHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const max = Math.max(0, ...stack.days.map((d) => d.total));
  const x = scaleBand<string>()
    .domain(stack.days.map((d) => d.day))
    .range([0, innerWidth])
    .padding(0.15);
  const y = scaleLinear()
    .domain([0, max > 0 ? max : 1])
    .nice()
    .range([innerHeight, 0]);
  const plot = svg.append('g').attr('transform', `translate(${MARGIN.left}, ${MARGIN.top})`);
  plot
    .append('g')
    .attr('class', 'axis axis-y')
    .call(
      axisLeft(y)
        .ticks(5)
        .tickFormat((v) => formatCost(Number(v))),
    );
  // At most ~10 day labels, whatever the range.
  const every = Math.max(1, Math.ceil(stack.days.length / 10));
  plot
    .append('g')
    .attr('class', 'axis axis-x')
    .attr('transform', `translate(0, ${innerHeight})`)
    .call(
      axisBottom(x)
        .tickValues(stack.days.filter((_, i) => i % every === 0).map((d) => d.day))
        .tickFormat((day) => day.slice(5)),
    );
  const days = plot
    .selectAll('g.cost-day')
    .data(stack.days)
    .join('g')
    .attr('class', 'cost-day')
    .attr('data-day', (d) => d.day)
    .attr('transform', (d) => `translate(${x(d.day) ?? 0}, 0)`);
  days
    .selectAll('rect')
    .data((d) => d.segments.filter((s) => s.y1 > s.y0).map((s) => ({ ...s, day: d.day })))
    .join('rect')
    .attr('class', (s) => `cost-segment series-${stack.keys.indexOf(s.key) % SERIES_CLASSES}`)
    .attr('width', x.bandwidth())
    .attr('y', (s) => y(s.y1))
    .attr('height', (s) => Math.max(0.5, y(s.y0) - y(s.y1)))
    .append('title')
    .text((s) => revealInvisible(`${s.day} · ${s.key}: ${formatCost(s.y1 - s.y0)}`));
  return svg.node()!;
}
