import uPlot from 'uplot';

/** Live chart of the training loss (left axis) and a held-out metric (right axis) per iteration. */
export class LossChart {
  private readonly plot: uPlot;
  private readonly iters: number[] = [];
  private readonly loss: (number | null)[] = [];
  private readonly metric: (number | null)[] = [];

  /**
   * @param target - element the chart fills (its width is followed on resize)
   */
  constructor(private readonly target: HTMLElement) {
    this.plot = new uPlot(this.options('held-out metric'), [[], [], []], target);
    new ResizeObserver(() => this.plot.setSize({ width: this.width(), height: 240 })).observe(target);
  }

  /** Starts a new run: clears the series and names the metric. */
  reset(metricName: string): void {
    this.iters.length = 0;
    this.loss.length = 0;
    this.metric.length = 0;
    this.plot.series[2].label = metricName;
    const labels = this.target.querySelectorAll('.u-legend .u-series .u-label');
    const legend = labels[labels.length - 1]; // the metric is the last series
    if (legend) legend.textContent = metricName;
    this.redraw();
  }

  /** Adds (or updates) an iteration's loss. */
  addLoss(iteration: number, loss: number): void {
    this.slot(iteration);
    this.loss[iteration - 1] = loss;
    this.redraw();
  }

  /** Adds (or updates) an iteration's held-out metric. */
  addMetric(iteration: number, value: number): void {
    this.slot(iteration);
    this.metric[iteration - 1] = value;
    this.redraw();
  }

  private slot(iteration: number): void {
    while (this.iters.length < iteration) {
      this.iters.push(this.iters.length + 1);
      this.loss.push(null);
      this.metric.push(null);
    }
  }

  private redraw(): void {
    this.plot.setData([this.iters, this.loss, this.metric] as uPlot.AlignedData);
    // Counts for tests and assistive tech: what the canvas shows.
    this.target.dataset.lossPoints = String(this.loss.filter((v) => v !== null).length);
    this.target.dataset.metricPoints = String(this.metric.filter((v) => v !== null).length);
  }

  private width(): number {
    return Math.max(280, this.target.clientWidth);
  }

  private options(metricName: string): uPlot.Options {
    return {
      width: this.width(),
      height: 240,
      scales: { x: { time: false }, loss: { auto: true }, metric: { auto: true } },
      legend: { live: false },
      axes: [
        { label: 'iteration', stroke: '#445', incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] },
        { scale: 'loss', label: 'loss', stroke: '#2a5db0', size: 70 },
        { scale: 'metric', side: 1, label: metricName, stroke: '#c2571a', grid: { show: false }, size: 60 },
      ],
      series: [
        { label: 'iteration' },
        { label: 'training loss', scale: 'loss', stroke: '#2a5db0', width: 2, points: { show: true } },
        { label: metricName, scale: 'metric', stroke: '#c2571a', width: 2, dash: [6, 3], points: { show: true } },
      ],
    };
  }
}
