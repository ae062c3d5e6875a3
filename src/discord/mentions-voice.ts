// Asks a running voice session a typed question and collects the spoken answer's transcription.
import type { Clock } from '../clock.ts';
import type { LiveSession } from '../live/session.ts';
import type { QuestionImage } from './mentions-images.ts';

export interface VoiceAskOptions {
  clock: Clock;
  /** How long to wait for the answer's turn to complete (ms). */
  timeoutMs: number;
  /** Live accepts about one image per second; later images wait this long (ms) and try again. */
  imageRetryMs: number;
}

/** The transcribed answer, or null when no words came back in time. */
export type VoiceAnswer = { text: string; cutOff: boolean } | null;

/**
 * Images go first (as video frames) so the model has them when the question arrives. The answer
 * is the output transcription of the first turn that starts after the question: if the model was
 * answering something else when it was asked, that turn's words and its turnComplete are skipped
 * (models that take the question as a clientContent turn cut that answer short; others finish it).
 * Then the first turnComplete of a turn with words ends the answer.
 */
export async function askVoiceSession(
  live: LiveSession,
  question: string,
  images: readonly QuestionImage[],
  options: VoiceAskOptions,
): Promise<VoiceAnswer> {
  for (const image of images) await sendImageSoon(live, image, options);
  return new Promise<VoiceAnswer>((resolve) => {
    let text = '';
    let cutOff = false;
    // The turn in progress when the question went out belongs to someone else.
    let skipping = live.modelTurnActive;
    const finish = (answer: VoiceAnswer) => {
      options.clock.clearTimeout(timer);
      live.off('outputTranscript', onText);
      live.off('interrupted', onInterrupted);
      live.off('turnComplete', onTurnComplete);
      live.off('stateChange', onState);
      resolve(answer);
    };
    const onText = (event: { text: string }) => {
      if (!skipping) text += event.text;
    };
    const onInterrupted = () => {
      if (!skipping) cutOff = text.trim() !== '';
    };
    const onTurnComplete = () => {
      if (skipping) {
        skipping = false;
        return;
      }
      if (text.trim() !== '') finish({ text: text.trim(), cutOff });
    };
    const onState = (_old: unknown, next: { status: string }) => {
      if (next.status === 'closed') finish(text.trim() === '' ? null : { text: text.trim(), cutOff: true });
    };
    const timer = options.clock.setTimeout(
      () => finish(text.trim() === '' ? null : { text: text.trim(), cutOff: true }),
      options.timeoutMs,
    );
    live.on('outputTranscript', onText);
    live.on('interrupted', onInterrupted);
    live.on('turnComplete', onTurnComplete);
    live.on('stateChange', onState);
    live.sendText(question);
  });
}

async function sendImageSoon(
  live: LiveSession,
  image: QuestionImage,
  options: VoiceAskOptions,
): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    if (live.sendImage(image.data, image.mimeType)) return;
    await new Promise<void>((resolve) => options.clock.setTimeout(resolve, options.imageRetryMs));
  }
}
