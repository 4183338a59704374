import { scaleBand, scaleLinear, select } from 'd3';
import { revealInvisible } from '../../src/model/revealInvisible';
import { safeKind } from '../../src/model/spanKinds';

export interface BarDatum {
  label: string;
  value: number;
  /** Colours the bar like the span kind of that name; other bars use the chart colour. */
  kind?: string;
  valueText: string;
}

const BAR_HEIGHT = 20;
const LABEL_WIDTH = 170;
const VALUE_WIDTH = 150;
const MAX_LABEL = 28;

/** A horizontal bar chart (D3 scales, SVG). Labels and values are text nodes. */
export function barChart(data: readonly BarDatum[], width: number, title: string): SVGSVGElement {
  const svg = select(document.createElementNS('http://www.w3.org/2000/svg', 'svg'));
  const height = Math.max(1, data.length) * BAR_HEIGHT + 4;
  const chartWidth = Math.max(300, width);
  svg.attr('class', 'bar-chart').attr('width', chartWidth).attr('height', height).attr('role', 'img').attr('aria-label', title);
  const max = Math.max(0, ...data.map((d) => d.value));
  const x = scaleLinear()
    .domain([0, max > 0 ? max : 1])
    .range([0, Math.max(20, chartWidth - LABEL_WIDTH - VALUE_WIDTH)]);
  const y = scaleBand<number>()
    .domain(data.map((_, i) => i))
    .range([2, height - 2])
    .padding(0.2);
  const rows = svg
    .selectAll('g.bar-row')
    .data(data)
    .join('g')
    .attr('class', 'bar-row')
    .attr('transform', (_, i) => `translate(0, ${y(i) ?? 0})`);
  rows
    .append('text')
    .attr('class', 'bar-label')
    .attr('x', LABEL_WIDTH - 6)
    .attr('y', y.bandwidth() / 2)
    .attr('dy', '0.35em')
    .attr('text-anchor', 'end')
    .text((d) => revealInvisible(d.label.length > MAX_LABEL ? `${d.label.slice(0, MAX_LABEL - 1)}…` : d.label))
    .append('title')
    .text((d) => revealInvisible(d.label));
  rows
    .append('rect')
    .attr('class', (d) => (d.kind ? `bar kind-${safeKind(d.kind)}` : 'bar'))
    .attr('x', LABEL_WIDTH)
    .attr('height', y.bandwidth())
    .attr('width', (d) => Math.max(d.value > 0 ? 1 : 0, x(d.value)));
  rows
    .append('text')
    .attr('class', 'bar-value')
    .attr('x', (d) => LABEL_WIDTH + Math.max(d.value > 0 ? 1 : 0, x(d.value)) + 6)
    .attr('y', y.bandwidth() / 2)
    .attr('dy', '0.35em')
    .text((d) => d.valueText);
  return svg.node()!;
}
