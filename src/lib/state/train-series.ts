/**
 * The loss curves of a run, append-only (TensorFlow Playground's `addDataPoint`): typed arrays that
 * grow by doubling, so tens of thousands of points cost nothing to keep, and a downsampled,
 * uPlot-ready view for drawing (a chart never draws more points than it has pixels).
 *
 * @example
 * const series = new LossSeries();
 * series.add({ step: 1, loss: 5.1 });
 * series.add({ step: 100, loss: 2.3, valLoss: 2.4, valLossNoMarkers: 2.6 });
 * series.view(800); // [steps, train, val, valNoMarkers] with null where a curve has no point
 */

export interface LossPoint {
  step: number;
  loss: number;
  valLoss?: number;
  valLossNoMarkers?: number;
}

/** uPlot's aligned data: x, then one array per curve (null = no point here). */
export type ChartData = [number[], (number | null)[], (number | null)[], (number | null)[]];

export class LossSeries {
  #steps = new Float64Array(1024);
  #loss = new Float32Array(1024);
  /** NaN where no validation happened at that step. */
  #val = new Float32Array(1024);
  #valNo = new Float32Array(1024);
  #length = 0;

  get length(): number {
    return this.#length;
  }

  add(p: LossPoint): void {
    if (this.#length === this.#steps.length) this.#grow();
    const i = this.#length++;
    this.#steps[i] = p.step;
    this.#loss[i] = p.loss;
    this.#val[i] = p.valLoss ?? NaN;
    this.#valNo[i] = p.valLossNoMarkers ?? NaN;
  }

  clear(): void {
    this.#length = 0;
  }

  /** Drop the points after `step` (a run resumed from its autosave at `step` redraws from there). */
  truncateAfter(step: number): void {
    while (this.#length > 0 && this.#steps[this.#length - 1]! > step) this.#length--;
  }

  /** The first and latest training loss (undefined while empty). */
  get first(): LossPoint | undefined {
    return this.#length > 0 ? this.#point(0) : undefined;
  }

  get latest(): LossPoint | undefined {
    return this.#length > 0 ? this.#point(this.#length - 1) : undefined;
  }

  /**
   * At most `maxPoints` columns: the training loss averaged per bucket of consecutive points,
   * validation losses kept exactly (they are few: one per evaluation) at the bucket they fall in.
   */
  view(maxPoints: number): ChartData {
    const n = this.#length;
    const buckets = Math.max(1, Math.min(n, Math.floor(maxPoints)));
    const per = n / buckets;
    const xs: number[] = [], train: (number | null)[] = [], val: (number | null)[] = [], valNo: (number | null)[] = [];
    for (let b = 0; b < buckets && n > 0; b++) {
      const lo = Math.floor(b * per), hi = Math.max(lo + 1, Math.floor((b + 1) * per));
      let sum = 0, count = 0, v: number | null = null, vn: number | null = null;
      for (let i = lo; i < hi; i++) {
        const loss = this.#loss[i]!;
        if (Number.isFinite(loss)) {
          sum += loss;
          count++;
        }
        if (!Number.isNaN(this.#val[i]!)) v = this.#val[i]!;
        if (!Number.isNaN(this.#valNo[i]!)) vn = this.#valNo[i]!;
      }
      xs.push(this.#steps[hi - 1]!);
      train.push(count > 0 ? sum / count : null);
      val.push(v);
      valNo.push(vn);
    }
    return [xs, train, val, valNo];
  }

  /** The latest validation point (losses with and without prompt markers), if any. */
  get latestValidation(): LossPoint | undefined {
    for (let i = this.#length - 1; i >= 0; i--) if (!Number.isNaN(this.#val[i]!)) return this.#point(i);
    return undefined;
  }

  #point(i: number): LossPoint {
    const p: LossPoint = { step: this.#steps[i]!, loss: this.#loss[i]! };
    if (!Number.isNaN(this.#val[i]!)) p.valLoss = this.#val[i]!;
    if (!Number.isNaN(this.#valNo[i]!)) p.valLossNoMarkers = this.#valNo[i]!;
    return p;
  }

  #grow(): void {
    const size = this.#steps.length * 2;
    const grow = <T extends Float32Array | Float64Array>(a: T, make: (n: number) => T): T => {
      const b = make(size);
      b.set(a);
      return b;
    };
    this.#steps = grow(this.#steps, (k) => new Float64Array(k));
    this.#loss = grow(this.#loss, (k) => new Float32Array(k));
    this.#val = grow(this.#val, (k) => new Float32Array(k));
    this.#valNo = grow(this.#valNo, (k) => new Float32Array(k));
  }
}
