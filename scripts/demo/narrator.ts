// The demo's terminal output: timestamped lines and numbered steps (the progress indicator).

export class Narrator {
  readonly #write: (text: string) => void;
  readonly #startedAt: number;
  readonly #totalSteps: number;
  #step = 0;

  constructor(write: (text: string) => void, totalSteps: number, startedAt = performance.now()) {
    this.#write = write;
    this.#totalSteps = totalSteps;
    this.#startedAt = startedAt;
  }

  get stepsDone(): number {
    return this.#step;
  }

  get totalSteps(): number {
    return this.#totalSteps;
  }

  /** Seconds since the demo started. */
  get elapsedS(): number {
    return (performance.now() - this.#startedAt) / 1000;
  }

  /** A new step: "━━ [3/7] title" with a bar showing how far the scene is. */
  step(title: string): void {
    this.#step++;
    const done = Math.round((this.#step / this.#totalSteps) * 14);
    const bar = `${'■'.repeat(done)}${'□'.repeat(14 - done)}`;
    this.#write(`\n${this.#stamp()} ━━ [${this.#step}/${this.#totalSteps}] ${bar} ${title}\n`);
  }

  line(text: string): void {
    this.#write(`${this.#stamp()}    ${text}\n`);
  }

  /** Text without a timestamp (banners, the summary). */
  plain(text = ''): void {
    this.#write(`${text}\n`);
  }

  #stamp(): string {
    return `[${this.elapsedS.toFixed(1).padStart(5)}s]`;
  }
}
