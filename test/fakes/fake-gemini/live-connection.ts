// One Live socket on the fake server: records what the client sent, and lets a test speak as Gemini.
import { EventEmitter } from 'node:events';
import type { WebSocket } from 'ws';
import { delay, waitForEvent } from '../../helpers/wait.ts';
import { concatSamples } from '../tones.ts';
import {
  type AudioChunk,
  type ClientMessage,
  type CloseRecord,
  decodePcm16,
  type FunctionResponse,
  INPUT_RATE_HZ,
  OUTPUT_RATE_HZ,
  type SendAudioOptions,
  samplesToMs,
} from './live-messages.ts';
import type { FakeLogicalSession } from './logical-session.ts';
import type { FakeLiveRules } from './models.ts';
import { FakeTurnDetector, type TurnEnd } from './turn-detector.ts';

export class FakeLiveConnection extends EventEmitter {
  readonly id: number;
  readonly path: string;
  /** Every client message, parsed, in order (setup first). */
  readonly messages: ClientMessage[] = [];
  readonly audioChunks: AudioChunk[] = [];
  /** Typed text the model was given, from realtimeInput.text and from clientContent user turns. */
  readonly texts: string[] = [];
  /** Each typed text and how it came: as realtime input, or as a clientContent turn. */
  readonly typedTurns: { text: string; via: 'realtimeInput' | 'clientContent'; turnComplete: boolean }[] = [];
  readonly images: { mimeType: string; data: Buffer }[] = [];
  readonly toolResponses: FunctionResponse[] = [];
  audioStreamEnds = 0;
  audioSamples = 0;
  /** Server VAD or manual activity, and when each user turn ended. */
  readonly turns = new FakeTurnDetector();
  setup: Record<string, unknown> | undefined;
  /** Set once setup was accepted. */
  session: FakeLogicalSession | undefined;
  /** The Live rules of the catalog model this connection was set up with, if it has any. */
  rules: FakeLiveRules | undefined;
  closeRecord: CloseRecord | undefined;
  readonly #socket: WebSocket;
  #callCounter = 0;
  /** The test (as Gemini) has sent words or audio of a turn that has not completed yet. */
  #modelTurnOpen = false;
  /** Bumped by interrupt(): audio a sendAudio() loop has not sent yet is dropped, as the server does. */
  #interruptions = 0;

  constructor(id: number, path: string, socket: WebSocket) {
    super();
    this.id = id;
    this.path = path;
    this.#socket = socket;
    socket.on('close', (code, reason) => {
      this.closeRecord = { code, reason: reason.toString() };
      this.emit('update');
    });
  }

  /** Words or audio of a model turn were sent and its turnComplete (or interruption) was not. */
  get modelTurnOpen(): boolean {
    return this.#modelTurnOpen;
  }

  get isOpen(): boolean {
    return this.#socket.readyState === this.#socket.OPEN;
  }

  /** Uplink audio of this connection only (16 kHz mono). */
  get audio(): Int16Array {
    return concatSamples(this.audioChunks.map((chunk) => chunk.samples));
  }

  get audioMs(): number {
    return samplesToMs(this.audioSamples, INPUT_RATE_HZ);
  }

  /** Called by the server for every client frame after parsing. */
  record(message: ClientMessage): void {
    this.messages.push(message);
    const refusal = this.#breaksRules(message);
    if (refusal) {
      this.close(1007, refusal);
      return;
    }
    const input = message.realtimeInput;
    if (input) this.#recordRealtimeInput(input);
    if (message.clientContent) this.#recordClientContent(message.clientContent);
    // Documented for 3.1 and 3.8: a client turn with turn_complete interrupts generation.
    if (message.clientContent?.turnComplete === true && this.#modelTurnOpen) this.interrupt();
    for (const response of message.toolResponse?.functionResponses ?? []) {
      this.toolResponses.push(response);
      const settle = response.id ? this.session?.pendingToolCalls.get(response.id) : undefined;
      if (settle && response.id) {
        this.session?.pendingToolCalls.delete(response.id);
        settle(response);
      }
    }
    this.emit('update');
    this.session?.emit('update');
  }

  /** What the model's rules refuse after setup (wording unconfirmed, code 1007 as for setup fields). */
  get activityMode(): FakeTurnDetector['mode'] {
    return this.turns.mode;
  }

  get activityStarts(): readonly number[] {
    return this.turns.activityStarts;
  }

  get activityEnds(): readonly number[] {
    return this.turns.activityEnds;
  }

  get turnEnds(): readonly TurnEnd[] {
    return this.turns.turnEnds;
  }

  #breaksRules(message: ClientMessage): string | undefined {
    const wrongMode =
      message.realtimeInput && this.session && this.turns.wrongModeSignal(message.realtimeInput);
    if (wrongMode) return wrongMode;
    const rules = this.rules;
    if (!rules) return undefined;
    if (
      message.clientContent &&
      !rules.clientContentMidSession &&
      this.messages.some((m) => m.realtimeInput)
    ) {
      return 'Request contains an invalid argument: client content is only accepted before realtime input.';
    }
    const scheduled = message.toolResponse?.functionResponses?.some((r) => r.scheduling !== undefined);
    if (scheduled && !rules.scheduling) {
      return `Invalid JSON payload received. Unknown name "scheduling" at 'tool_response.function_responses[0]': Cannot find field.`;
    }
    return undefined;
  }

  #recordClientContent(content: Record<string, unknown>): void {
    const turns = (content.turns ?? []) as { role?: string; parts?: { text?: string }[] }[];
    for (const turn of turns) {
      if (turn.role !== 'user') continue;
      const text = (turn.parts ?? []).map((part) => part.text ?? '').join('');
      if (text === '') continue;
      this.texts.push(text);
      this.typedTurns.push({ text, via: 'clientContent', turnComplete: content.turnComplete === true });
    }
  }

  #recordRealtimeInput(input: Record<string, unknown>): void {
    const audio = input.audio as { data?: string; mimeType?: string } | undefined;
    if (audio?.data) {
      const samples = decodePcm16(audio.data);
      this.audioChunks.push({
        mimeType: audio.mimeType ?? '',
        samples,
        receivedAtMs: performance.now(),
        streamEndsBefore: this.audioStreamEnds,
      });
      this.audioSamples += samples.length;
    }
    const video = input.video as { data?: string; mimeType?: string } | undefined;
    if (video?.data)
      this.images.push({ mimeType: video.mimeType ?? '', data: Buffer.from(video.data, 'base64') });
    if (typeof input.text === 'string') {
      this.texts.push(input.text);
      this.typedTurns.push({ text: input.text, via: 'realtimeInput', turnComplete: false });
    }
    if (input.audioStreamEnd) this.audioStreamEnds++;
    const samples = audio?.data ? this.audioChunks.at(-1)?.samples : undefined;
    // activityHandling START_OF_ACTIVITY_INTERRUPTS (the default): the answer stops at once.
    if (this.turns.onRealtimeInput(input, samples) && this.#modelTurnOpen) this.interrupt();
  }

  // ---- waiting (all bounded, event-driven) ----

  waitFor<T>(check: () => T | undefined | false | null, what: string, timeoutMs = 5_000): Promise<T> {
    return waitForEvent(this, 'update', check, timeoutMs, what);
  }

  /** Until this connection has received at least `ms` of uplink audio in total. */
  waitForAudio(ms: number, timeoutMs = 5_000): Promise<number> {
    return this.waitFor(() => this.audioMs >= ms && this.audioMs, `${ms} ms of uplink audio`, timeoutMs);
  }

  /** The `count`-th text turn (1-based) this connection received. */
  waitForText(count = 1, timeoutMs = 5_000): Promise<string> {
    return this.waitFor(() => this.texts[count - 1], `text #${count}`, timeoutMs);
  }

  /**
   * The client's own "my input is over" signals so far: audioStreamEnd (server VAD) plus
   * activityEnd (manual activity detection), so a test can wait for the end of what a person said
   * whichever turn-taking mode the guild uses.
   */
  get inputEnds(): number {
    return this.audioStreamEnds + this.turns.activityEnds.length;
  }

  /** Until the client has ended its input `count` times in total (either signal, see inputEnds). */
  waitForInputEnd(count = 1, timeoutMs = 5_000): Promise<number> {
    return this.waitFor(() => this.inputEnds >= count && this.inputEnds, 'the end of the input', timeoutMs);
  }

  waitForAudioStreamEnd(count = 1, timeoutMs = 5_000): Promise<number> {
    return this.waitFor(
      () => this.audioStreamEnds >= count && this.audioStreamEnds,
      'audioStreamEnd',
      timeoutMs,
    );
  }

  waitForImage(count = 1, timeoutMs = 5_000): Promise<{ mimeType: string; data: Buffer }> {
    return this.waitFor(() => this.images[count - 1], `image #${count}`, timeoutMs);
  }

  waitForClose(timeoutMs = 5_000): Promise<CloseRecord> {
    return this.waitFor(() => this.closeRecord, 'the socket to close', timeoutMs);
  }

  // ---- speaking as Gemini ----

  /** Sends one server message as JSON in a binary frame, like the real server. */
  send(message: Record<string, unknown>): void {
    if (this.isOpen) this.#socket.send(Buffer.from(JSON.stringify(message)));
  }

  /** Sends one frame exactly as given (malformed-frame tests: text, or bytes that are not JSON). */
  sendRawFrame(frame: string | Buffer): void {
    if (this.isOpen) this.#socket.send(frame);
  }

  /** 24 kHz mono PCM16 as inlineData parts, as fast as allowed by the pause options. */
  async sendAudio(pcm24k: Int16Array, options: SendAudioOptions = {}): Promise<void> {
    this.#modelTurnOpen = true;
    const interruptionsAtStart = this.#interruptions;
    const chunkSamples = Math.max(1, Math.round(((options.chunkMs ?? 40) * OUTPUT_RATE_HZ) / 1000));
    const pauseEvery = options.pauseEveryMs ? Math.round((options.pauseEveryMs * OUTPUT_RATE_HZ) / 1000) : 0;
    let sinceSleep = 0;
    for (let offset = 0; offset < pcm24k.length; offset += chunkSamples) {
      if (this.#interruptions !== interruptionsAtStart) return;
      const chunk = pcm24k.subarray(offset, offset + chunkSamples);
      const data = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('base64');
      this.send({
        serverContent: { modelTurn: { parts: [{ inlineData: { mimeType: 'audio/pcm;rate=24000', data } }] } },
      });
      sinceSleep += chunk.length;
      if (pauseEvery > 0 && sinceSleep >= pauseEvery) {
        sinceSleep = 0;
        await delay(options.pauseMs ?? 0);
      }
    }
  }

  transcribeInput(text: string, finished?: boolean): void {
    this.send({
      serverContent: { inputTranscription: finished === undefined ? { text } : { text, finished } },
    });
  }

  transcribeOutput(text: string): void {
    this.#modelTurnOpen = true;
    this.send({ serverContent: { outputTranscription: { text } } });
  }

  /** A barge-in: `interrupted` then `turnComplete`, without `generationComplete`, as the real server does. */
  interrupt(): void {
    this.#modelTurnOpen = false;
    this.#interruptions++;
    this.send({ serverContent: { interrupted: true } });
    this.send({ serverContent: { turnComplete: true } });
  }

  generationComplete(): void {
    this.send({ serverContent: { generationComplete: true } });
  }

  turnComplete(reason?: string): void {
    this.#modelTurnOpen = false;
    this.send({
      serverContent: reason ? { turnComplete: true, turnCompleteReason: reason } : { turnComplete: true },
    });
  }

  sendUsage(usage: { promptTokens: number; responseTokens: number; totalTokens?: number }): void {
    this.send({
      usageMetadata: {
        promptTokenCount: usage.promptTokens,
        responseTokenCount: usage.responseTokens,
        totalTokenCount: usage.totalTokens ?? usage.promptTokens + usage.responseTokens,
      },
    });
  }

  /** Asks the client to run a function; resolves with its response (from any socket of the session). */
  callTool(
    name: string,
    args: Record<string, unknown> = {},
    options: { id?: string } = {},
  ): Promise<FunctionResponse> {
    const id = options.id ?? `call-${this.id}-${++this.#callCounter}`;
    const session = this.session;
    if (!session) return Promise.reject(new Error('fake-gemini: callTool before setup was accepted'));
    const answered = new Promise<FunctionResponse>((resolve) => session.pendingToolCalls.set(id, resolve));
    this.send({ toolCall: { functionCalls: [{ id, name, args }] } });
    return answered;
  }

  /** The id the next `callTool` without an explicit id will use. */
  nextCallId(): string {
    return `call-${this.id}-${this.#callCounter + 1}`;
  }

  cancelToolCalls(ids: string[]): void {
    for (const id of ids) this.session?.pendingToolCalls.delete(id);
    this.send({ toolCallCancellation: { ids } });
  }

  /** Sends a fresh handle for this logical session and returns it. */
  sendResumptionHandle(resumable = true): string {
    const handle = this.session?.newHandle() ?? 'fake-handle-none';
    this.send({ sessionResumptionUpdate: { newHandle: handle, resumable } });
    return handle;
  }

  goAway(timeLeftMs = 50_000): void {
    this.send({ goAway: { timeLeft: `${timeLeftMs / 1000}s` } });
  }

  /** A WebSocket close reason holds at most 123 bytes; longer ones are cut, as the real server does. */
  close(code = 1000, reason = ''): void {
    let bytes = Buffer.from(reason);
    if (bytes.length > 123) bytes = bytes.subarray(0, 123);
    this.#socket.close(code, bytes.toString('utf8').replace(/\uFFFD$/, ''));
  }

  terminate(): void {
    this.#socket.terminate();
  }
}
