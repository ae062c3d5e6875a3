// Whether the configured Gemini models are still offered (models.get), and the one sentence when not.
import type { GoogleGenAI } from '@google/genai';
import type { Logger } from '../log.ts';

/** The method a role needs: Live sessions and text answers are offered separately per model. */
const METHOD = { live: 'bidiGenerateContent', text: 'generateContent' } as const;
export type ModelRole = keyof typeof METHOD;

export interface ConfiguredModel {
  /** Model name without `models/`. */
  name: string;
  /** The environment variable that chooses it, for the fix sentence. */
  variable: string;
  /** What to set instead (the current default). */
  replacement: string;
}

export type Lookup =
  | { kind: 'offered' }
  | { kind: 'missing' }
  | { kind: 'noMethod'; methods: string[] }
  /** The lookup itself failed (network, quota, key): nothing is known about the model. */
  | { kind: 'unknown'; reason: string };

/** GET models/{name}: whether it exists and offers `method` (supportedGenerationMethods). */
export async function lookUpModel(
  ai: GoogleGenAI,
  model: string,
  role: ModelRole,
  timeoutMs: number,
): Promise<Lookup> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  try {
    const found = await ai.models.get({ model, config: { abortSignal: abort.signal } });
    // The SDK renames supportedGenerationMethods to supportedActions.
    const methods = found.supportedActions ?? [];
    return methods.includes(METHOD[role]) ? { kind: 'offered' } : { kind: 'noMethod', methods };
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status === 404) return { kind: 'missing' };
    if (abort.signal.aborted) return { kind: 'unknown', reason: `no answer within ${timeoutMs} ms` };
    return { kind: 'unknown', reason: status ? `HTTP ${status}` : String((error as Error).message ?? error) };
  } finally {
    clearTimeout(timer);
  }
}

/** The one sentence for a model Google no longer offers: which model, what to set, where. */
export function modelGoneSentence(role: ModelRole, model: ConfiguredModel): string {
  const what = role === 'live' ? 'Voice is unavailable' : 'I cannot answer typed questions';
  const kind = role === 'live' ? 'Live' : 'text';
  const fix =
    model.name === model.replacement
      ? `set ${model.variable} in .env to a current ${kind} model from Google's deprecations page`
      : `set ${model.variable}=${model.replacement} in .env (or leave it empty for that default)`;
  return `${what} because Google no longer offers the Gemini ${kind} model ${model.name}: the bot's owner must ${fix} and restart the bot.`;
}

export interface ModelAvailabilityOptions {
  ai: GoogleGenAI;
  models: Record<ModelRole, ConfiguredModel>;
  logger: Logger;
  /** Per lookup (ms); a lookup that does not answer leaves the model assumed available. */
  timeoutMs?: number;
}

/**
 * What is known about the configured models: checked at start, and marked gone when the API
 * later refuses one (a Live setup closed as unknown model, a 404 from generateContent).
 */
export class ModelAvailability {
  readonly #options: ModelAvailabilityOptions;
  readonly #gone = new Set<ModelRole>();

  constructor(options: ModelAvailabilityOptions) {
    this.#options = options;
  }

  /** Looks both models up; logs one line for each that is gone. Never throws. */
  async check(): Promise<void> {
    const roles = Object.keys(METHOD) as ModelRole[];
    await Promise.all(
      roles.map(async (role) => {
        const model = this.#options.models[role];
        const found = await lookUpModel(this.#options.ai, model.name, role, this.#options.timeoutMs ?? 5_000);
        if (found.kind === 'missing' || found.kind === 'noMethod') {
          this.markGone(role);
        } else if (found.kind === 'unknown') {
          this.#options.logger.warn(
            { role, model: model.name, reason: found.reason },
            'could not look the Gemini model up; assuming it is available',
          );
        }
      }),
    );
  }

  /** The API refused the model: log the sentence once, and refuse that role from now on. */
  markGone(role: ModelRole): void {
    if (this.#gone.has(role)) return;
    this.#gone.add(role);
    this.#options.logger.error({ role, model: this.#options.models[role].name }, this.sentence(role));
  }

  /** The sentence for `role` if its model is known to be gone, else undefined. */
  problem(role: ModelRole): string | undefined {
    return this.#gone.has(role) ? this.sentence(role) : undefined;
  }

  sentence(role: ModelRole): string {
    return modelGoneSentence(role, this.#options.models[role]);
  }
}
