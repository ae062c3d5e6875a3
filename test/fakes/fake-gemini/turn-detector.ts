// The fake's turn detection: Gemini's automatic VAD over the received audio, or the client's
// manual activity signals, with the moment each user turn ended.
import { INPUT_RATE_HZ } from './live-messages.ts';

/** When and why the fake considered a user turn over (performance.now() ms). */
export interface TurnEnd {
  atMs: number;
  cause: 'activityEnd' | 'silence' | 'audioStreamEnd';
}

/** A received chunk counts as speech above this peak (PCM16); below it, as silence. */
const SPEECH_PEAK = 500;
/** silenceDurationMs when the setup leaves it to the server (not documented; ours is 800). */
const DEFAULT_SILENCE_MS = 800;

export class FakeTurnDetector {
  /** Manual activity detection (automaticActivityDetection.disabled) or the server's own VAD. */
  mode: 'auto' | 'manual' = 'auto';
  /** performance.now() ms of each activityStart / activityEnd received (manual mode). */
  readonly activityStarts: number[] = [];
  readonly activityEnds: number[] = [];
  /** Every user turn that ended, in order. */
  readonly turnEnds: TurnEnd[] = [];
  #silenceLimitSamples = (DEFAULT_SILENCE_MS * INPUT_RATE_HZ) / 1000;
  #speechPending = false;
  #silentSamples = 0;

  /** The mode and silenceDurationMs from an accepted setup. */
  configure(setup: Record<string, unknown>): void {
    const input = (setup.realtimeInputConfig ?? {}) as {
      automaticActivityDetection?: { disabled?: boolean; silenceDurationMs?: number };
    };
    const detection = input.automaticActivityDetection;
    this.mode = detection?.disabled === true ? 'manual' : 'auto';
    this.#silenceLimitSamples = ((detection?.silenceDurationMs ?? DEFAULT_SILENCE_MS) * INPUT_RATE_HZ) / 1000;
  }

  /**
   * Signals of the other mode are refused: the docs say activity signals are only for disabled
   * automatic detection and audioStreamEnd only with it. Code 1007 as for other invalid input;
   * the wording is ours (not found in docs or issue threads).
   */
  wrongModeSignal(input: Record<string, unknown>): string | undefined {
    if (this.mode === 'auto' && (input.activityStart || input.activityEnd)) {
      return 'Request contains an invalid argument: activity signals need automatic activity detection disabled.';
    }
    if (this.mode === 'manual' && input.audioStreamEnd) {
      return 'Request contains an invalid argument: audioStreamEnd needs automatic activity detection.';
    }
    return undefined;
  }

  /** One realtimeInput message (with its decoded audio, if any); true when it was an activityStart. */
  onRealtimeInput(input: Record<string, unknown>, samples: Int16Array | undefined): boolean {
    if (samples) this.#serverVad(samples);
    if (input.audioStreamEnd && this.#speechPending) this.#endTurn('audioStreamEnd');
    if (input.activityEnd) {
      this.activityEnds.push(performance.now());
      this.#endTurn('activityEnd');
    }
    if (!input.activityStart) return false;
    this.activityStarts.push(performance.now());
    return true;
  }

  /** Automatic mode: speech, then silenceDurationMs of silence in the audio itself, ends the turn. */
  #serverVad(samples: Int16Array): void {
    if (this.mode !== 'auto') return;
    let peak = 0;
    for (const sample of samples) peak = Math.max(peak, Math.abs(sample));
    if (peak >= SPEECH_PEAK) {
      this.#speechPending = true;
      this.#silentSamples = 0;
      return;
    }
    if (!this.#speechPending) return;
    this.#silentSamples += samples.length;
    if (this.#silentSamples >= this.#silenceLimitSamples) this.#endTurn('silence');
  }

  #endTurn(cause: TurnEnd['cause']): void {
    this.#speechPending = false;
    this.#silentSamples = 0;
    this.turnEnds.push({ atMs: performance.now(), cause });
  }
}
