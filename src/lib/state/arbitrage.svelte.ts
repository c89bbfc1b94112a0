/**
 * The Arbitrage view's state. It works over a results file written by `markerlab arbitrage`
 * (results.json: the pool, the prompts, every teacher's scored answer and, for `--paper`, the
 * students' figures). Routing and compositions are live in the browser: pick a router, edit the fixed
 * router's table or the reward's weights, and the set is routed again from the stored answers by
 * `routeOutcome`, the function the CLI used, so for the file's own settings the numbers are the CLI's.
 * Results also come from the browser itself: PoolAnswers has a pool of checkpoints answer teaching-set
 * prompts and hands the record over with `use`. Training students stays in the CLI.
 *
 * @example
 * const arb = new ArbitrageState();
 * await arb.load(file);             // results.json from `markerlab arbitrage --paper --out DIR`
 * arb.setRouter('fixed');
 * arb.setTableEntry('Italian', 'broad');
 * arb.outcome?.byLanguage.groups;   // each teacher's share per language, routed again
 */
import { DEFAULT_REWARD_WEIGHTS, REWARD_PARTS, type RewardPartName, type RewardWeights } from '../arbitrage/reward';
import { ROUTER_KINDS, type RouterSpec, type ScoredRoute } from '../arbitrage/plan';
import { arbitrageJsonl } from '../arbitrage/dataset';
import { routedRows } from '../arbitrage/from-answers';
import { defaultTaxonomy } from '../markers/taxonomy';
import { rewardOverlaps, independentMeasures, type RewardOverlap } from '../arbitrage/overlap';
import { readResults, routeOutcome, routingInputOf, type ArbitrageResults, type RouterOutcome } from '../arbitrage/results';
import type { FixedTable } from '../arbitrage/routers';
import type { RouterKind } from '../arbitrage/types';
import { errorMessage } from '../util/errors';

export class ArbitrageState {
  /** The loaded results (replaced whole: raw). */
  results = $state.raw<ArbitrageResults | null>(null);
  /** The file's name, for the heading. */
  source = $state<string | null>(null);
  /** Why the last file was refused, or why routing failed, in words. */
  error = $state<string | null>(null);
  router = $state<RouterKind>('reward');
  /** Single router: a teacher, or null for the calibration's best. */
  teacher = $state<string | null>(null);
  /** Fixed router: null for the calibration's table, else the edited table. */
  table = $state<FixedTable | null>(null);
  seed = $state(1);
  weights = $state<RewardWeights>({ ...DEFAULT_REWARD_WEIGHTS });

  /** The router as settings. */
  readonly spec: RouterSpec = $derived.by((): RouterSpec => {
    switch (this.router) {
      case 'single': return this.teacher === null ? { kind: 'single' } : { kind: 'single', teacher: this.teacher };
      case 'random': return { kind: 'random', seed: this.seed };
      case 'fixed': return this.table === null ? { kind: 'fixed' } : { kind: 'fixed', table: { ...this.table } };
      case 'reward': return { kind: 'reward' };
      case 'learned': return { kind: 'learned', options: { seed: this.seed } };
    }
  });

  /** Routing again over the stored answers; an error (e.g. all weights 0) is a message, not a crash. */
  readonly #routed: { outcome: RouterOutcome | null; routed: ScoredRoute[]; error: string | null } = $derived.by(() => {
    const r = this.results;
    if (r === null) return { outcome: null, routed: [], error: null };
    try {
      const { outcome, routed } = routeOutcome(routingInputOf(r, { ...this.weights }), this.spec);
      return { outcome, routed, error: null };
    } catch (err) {
      return { outcome: null, routed: [], error: errorMessage(err) };
    }
  });

  get outcome(): RouterOutcome | null {
    return this.#routed.outcome;
  }

  get routeError(): string | null {
    return this.#routed.error;
  }

  /** The outcome the CLI wrote for this router kind, when the file has one (to compare with). */
  get written(): RouterOutcome | null {
    return this.results?.routers.find((o) => o.kind === this.router) ?? null;
  }

  get teachers(): string[] {
    return this.results?.pool.map((p) => p.name) ?? [];
  }

  /** Which reward parts overlap the students' evaluation under the current weights. */
  get overlaps(): RewardOverlap[] {
    const judged = this.results?.candidates.some((c) => c.judge !== undefined) ?? false;
    return rewardOverlaps(this.weights, { judged });
  }

  get cleanMeasures(): string[] {
    const judged = this.results?.candidates.some((c) => c.judge !== undefined) ?? false;
    return independentMeasures(this.weights, { judged });
  }

  /** Read a results file; on a bad file the previous results stay and `error` says why. */
  async load(file: Pick<File, 'name' | 'text'>): Promise<void> {
    let text: string;
    try {
      text = await file.text();
    } catch (err) {
      this.error = `${file.name}: cannot read the file (${errorMessage(err)})`;
      return;
    }
    this.loadText(text, file.name);
  }

  loadText(text: string, name: string): void {
    try {
      this.use(readResults(text, name), name);
    } catch (err) {
      this.error = errorMessage(err);
    }
  }

  /** Show a results record (read from a file, or made in this browser), with its own settings. */
  use(results: ArbitrageResults, source: string): void {
    this.results = results;
    this.source = source;
    this.error = null;
    this.weights = { ...results.weights };
    this.seed = results.sampling.seed;
    this.teacher = null;
    this.table = null;
    if (!results.routers.some((o) => o.kind === this.router)) this.router = results.routers[0]?.kind ?? 'reward';
  }

  /**
   * The routed set of the current router and settings as JSONL, the file `markerlab arbitrage` writes
   * as arbitrage-<router>.jsonl (null when nothing is routed).
   */
  setJsonl(): { fileName: string; text: string } | null {
    const r = this.results;
    const outcome = this.outcome;
    if (r === null || outcome === null) return null;
    const rows = routedRows(this.#routed.routed, outcome.kind, r);
    return { fileName: `arbitrage-${outcome.kind}.jsonl`, text: arbitrageJsonl(rows, defaultTaxonomy()) };
  }

  setRouter(kind: RouterKind): void {
    if (!ROUTER_KINDS.includes(kind)) throw new RangeError(`unknown router ${kind}`);
    this.router = kind;
  }

  /** Edit one row of the fixed table (starting from the calibration's table when there is no edit yet). */
  setTableEntry(lang: string, teacher: string): void {
    const current = this.table ?? { ...(this.outcome?.table ?? this.results?.calibration?.best.byLanguage ?? {}) };
    this.table = { ...current, [lang]: teacher };
  }

  resetTable(): void {
    this.table = null;
  }

  setWeight(part: RewardPartName, value: number): void {
    if (!REWARD_PARTS.includes(part)) throw new RangeError(`unknown reward part ${part}`);
    this.weights = { ...this.weights, [part]: value };
  }

  resetWeights(): void {
    this.weights = { ...(this.results?.weights ?? DEFAULT_REWARD_WEIGHTS) };
  }
}
