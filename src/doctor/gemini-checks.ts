// Doctor checks against Gemini: each model looked up, a Live session (setup, 1 s of silence, close), one generateContent call.
import type { GoogleGenAI } from '@google/genai';
import { type Config, DEFAULT_TEXT_MODEL } from '../config.ts';
import { uplinkChunkMsFor } from '../guild/live-settings.ts';
import { lookUpModel, type ModelRole } from '../live/model-availability.ts';
import { LiveSession } from '../live/session.ts';
import { DEFAULT_LIVE_MODEL, DEFAULT_LIVE_SETTINGS } from '../live/settings.ts';
import type { ToolPort } from '../live/tool-port.ts';
import type { Logger } from '../log.ts';
import { type CheckResult, fail, ok, withTimeout } from './check.ts';

const CONNECT_TIMEOUT_MS = 10_000;
const TEXT_TIMEOUT_MS = 15_000;
/** One second of 16 kHz mono silence: proves the server takes our audio format. */
const SILENCE_SAMPLES = 16_000;
/** After sending, how long (ms) to listen for the server objecting before closing. */
const LISTEN_MS = 500;

const KEY_FIX = 'create a key at https://aistudio.google.com/apikey and put it into .env as GEMINI_API_KEY';

type GeminiConfig = Pick<
  Config,
  'GEMINI_LIVE_MODEL' | 'GEMINI_TEXT_MODEL' | 'GEMINI_VOICE' | 'UPLINK_CHUNK_MS' | 'GEMINI_BASE_URL'
>;

export async function checkGeminiLive(
  config: GeminiConfig,
  ai: GoogleGenAI,
  tools: ToolPort,
  logger: Logger,
): Promise<CheckResult> {
  const model = config.GEMINI_LIVE_MODEL;
  const name = `Gemini Live (${model})`;
  const gone = await modelGone(ai, name, model, 'live');
  if (gone) return gone;
  const session = new LiveSession({
    ai,
    settings: {
      ...DEFAULT_LIVE_SETTINGS,
      model,
      voiceName: config.GEMINI_VOICE,
      // The check's session runs with server VAD (it ends its audio with audioStreamEnd).
      inputChunkMs: uplinkChunkMsFor(config.UPLINK_CHUNK_MS, 'gemini'),
    },
    tools,
    origin: { guildId: null, channelId: null, userId: null, via: 'live' },
    logger,
    connectTimeoutMs: CONNECT_TIMEOUT_MS,
    // The doctor reports the first failure instead of retrying like the bot would.
    retry: { maxAttempts: 0 },
  });
  let objection: string | null = null;
  session.on('fatal', (error) => {
    objection = `${error.code}: ${error.message}`;
  });
  try {
    const started = performance.now();
    await withTimeout(session.connect(), CONNECT_TIMEOUT_MS + 2_000, 'opening a Live session');
    const setupMs = performance.now() - started;
    session.sendAudio(new Int16Array(SILENCE_SAMPLES));
    session.sendAudioStreamEnd();
    await new Promise((resolve) => setTimeout(resolve, LISTEN_MS));
    if (objection !== null || session.state.status !== 'ready') {
      return fail(
        name,
        `setup was accepted, but the session ended after 1 s of audio (${objection ?? session.state.status})`,
        `try again; if it persists, set GEMINI_LIVE_MODEL to a Live model such as ${DEFAULT_LIVE_MODEL}`,
      );
    }
    return ok(
      name,
      `setup accepted in ${setupMs.toFixed(0)} ms, 1 s of audio sent (${session.counters.uplinkChunks} chunks), closed`,
    );
  } catch (error) {
    return liveFailure(name, model, error, config.GEMINI_BASE_URL);
  } finally {
    await session.close();
  }
}

const MODEL_FIX: Record<ModelRole, { variable: string; replacement: string; method: string }> = {
  live: { variable: 'GEMINI_LIVE_MODEL', replacement: DEFAULT_LIVE_MODEL, method: 'bidiGenerateContent' },
  text: { variable: 'GEMINI_TEXT_MODEL', replacement: DEFAULT_TEXT_MODEL, method: 'generateContent' },
};

/**
 * ✗ when models.get says the model is gone or does not offer the role's method; null when it is
 * offered or the lookup itself failed (the session check that follows then says why).
 */
async function modelGone(
  ai: GoogleGenAI,
  name: string,
  model: string,
  role: ModelRole,
): Promise<CheckResult | null> {
  const found = await lookUpModel(ai, model, role, CONNECT_TIMEOUT_MS);
  if (found.kind === 'offered' || found.kind === 'unknown') return null;
  const { variable, replacement, method } = MODEL_FIX[role];
  const fix =
    model === replacement
      ? `set ${variable} in .env to a current model from Google's deprecations page (https://ai.google.dev/gemini-api/docs/deprecations)`
      : `set ${variable}=${replacement} in .env (or leave it empty for that default); Google retires models, previews with little notice`;
  const detail =
    found.kind === 'missing'
      ? `Google does not offer ${model} any more (models.get: not found; retired or misspelt)`
      : `${model} exists but does not offer ${method} (it offers ${found.methods.join(', ') || 'nothing'})`;
  return fail(name, detail, fix);
}

function liveFailure(name: string, model: string, error: unknown, baseUrl: string | undefined): CheckResult {
  // With no retries allowed, "reconnect exhausted" wraps the one real failure: report that one.
  const wrapped = error as { code?: string; cause?: unknown };
  const e = (wrapped.code === 'LIVE_RECONNECT_EXHAUSTED' && wrapped.cause ? wrapped.cause : error) as {
    code?: string;
    message?: string;
    closeCode?: number;
  };
  const message = e.message ?? String(error);
  const closeCode = e.closeCode ?? 0;
  if (closeCode === 1007 && /api key/i.test(message)) {
    return fail(name, `Gemini rejected GEMINI_API_KEY (close code 1007)`, KEY_FIX);
  }
  if (closeCode === 1008) {
    return fail(
      name,
      `the model is unknown or not allowed for the Live API with this key (close code 1008)`,
      `set GEMINI_LIVE_MODEL to a Live model your key can use, e.g. ${DEFAULT_LIVE_MODEL} (or leave it empty for that default)`,
    );
  }
  if (closeCode === 1007) {
    return fail(
      name,
      `Gemini refused the session setup: ${message}`,
      `check GEMINI_LIVE_MODEL (${model}) and GEMINI_VOICE; leave them empty to use the defaults`,
    );
  }
  const where = baseUrl ? new URL(baseUrl).origin : 'generativelanguage.googleapis.com';
  return fail(
    name,
    `could not open a session at ${where} (${e.code ?? 'error'}: ${message})`,
    baseUrl
      ? 'check GEMINI_BASE_URL (leave it empty to talk to Google directly) and the network'
      : 'check the network connection (outbound HTTPS/WebSocket to generativelanguage.googleapis.com)',
  );
}

export async function checkGeminiText(config: GeminiConfig, ai: GoogleGenAI): Promise<CheckResult> {
  const model = config.GEMINI_TEXT_MODEL;
  const name = `Gemini text (${model})`;
  const gone = await modelGone(ai, name, model, 'text');
  if (gone) return gone;
  const abort = new AbortController();
  try {
    const started = performance.now();
    const response = await withTimeout(
      ai.models.generateContent({
        model,
        contents: 'Reply with the single word: ready',
        config: { abortSignal: abort.signal },
      }),
      TEXT_TIMEOUT_MS,
      'generateContent',
    );
    const words = (response.text ?? '').trim().split(/\s+/).length;
    return ok(
      name,
      `generateContent answered in ${(performance.now() - started).toFixed(0)} ms (${words} word(s))`,
    );
  } catch (error) {
    abort.abort();
    const e = error as { status?: number; message?: string };
    const message = e.message ?? String(error);
    if (/api key/i.test(message) || e.status === 401 || e.status === 403) {
      return fail(name, `Gemini rejected GEMINI_API_KEY (${e.status ?? 'error'})`, KEY_FIX);
    }
    if (e.status === 404) {
      return fail(
        name,
        `model not found (404)`,
        `set GEMINI_TEXT_MODEL to a text model, e.g. ${DEFAULT_TEXT_MODEL} (or leave it empty for that default)`,
      );
    }
    if (e.status === 429) {
      return fail(name, 'quota exhausted (429)', 'wait, or raise the quota of the key in Google AI Studio');
    }
    return fail(name, `generateContent failed: ${message}`, 'check GEMINI_BASE_URL and the network');
  }
}
