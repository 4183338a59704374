import { axisTop, scaleLinear, select } from 'd3';
import { formatDuration } from '../../src/model/formatValues';
import { axisTickValues } from './axisTicks';

/** The time ruler above the waterfall: milliseconds since the trace start across the zoom window. */
export class TimeAxis {
  readonly element: SVGSVGElement;
  private lastKey = '';

  constructor() {
    this.element = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    this.element.classList.add('wf-axis');
    this.element.setAttribute('aria-hidden', 'true');
  }

  render(width: number, fromMs: number, toMs: number): void {
    const key = `${width}|${fromMs}|${toMs}`;
    if (key === this.lastKey || width <= 0) return;
    this.lastKey = key;
    const height = 22;
    this.element.setAttribute('width', String(width));
    this.element.setAttribute('height', String(height));
    const scale = scaleLinear().domain([fromMs, toMs]).range([0, width]);
    const axis = axisTop<number>(scale)
      .tickValues(axisTickValues(fromMs, toMs, width))
      .tickSize(-4)
      .tickFormat((value) => formatDuration(Number(value)));
    const svg = select(this.element);
    let group = svg.select<SVGGElement>('g.wf-axis-ticks');
    if (group.empty()) group = svg.append('g').attr('class', 'wf-axis-ticks');
    group.attr('transform', `translate(0, ${height - 1})`).call(axis);
    // Keep the first and last labels inside the ruler.
    group.selectAll<SVGTextElement, number>('text').attr('text-anchor', (value) => {
      const x = scale(value);
      return x < 30 ? 'start' : x > width - 30 ? 'end' : 'middle';
    });
  }
}
