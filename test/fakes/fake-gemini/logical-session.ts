// A conversation as the fake Gemini sees it, across the sockets that resume it.
import { EventEmitter } from 'node:events';
import { concatSamples } from '../tones.ts';
import type { FakeLiveConnection } from './live-connection.ts';
import { type FunctionResponse, INPUT_RATE_HZ, samplesToMs } from './live-messages.ts';

/** A conversation as Gemini sees it; survives socket changes through resumption handles. */
export class FakeLogicalSession extends EventEmitter {
  readonly id: number;
  readonly connections: FakeLiveConnection[] = [];
  readonly handles: string[] = [];
  readonly pendingToolCalls = new Map<string, (response: FunctionResponse) => void>();

  constructor(id: number) {
    super();
    this.id = id;
  }

  /** All uplink audio of every connection of this session, in arrival order. */
  get audio(): Int16Array {
    return concatSamples(this.connections.flatMap((c) => c.audioChunks.map((chunk) => chunk.samples)));
  }

  get audioMs(): number {
    return samplesToMs(
      this.connections.reduce((sum, c) => sum + c.audioSamples, 0),
      INPUT_RATE_HZ,
    );
  }

  newHandle(): string {
    const handle = `fake-handle-s${this.id}-${this.handles.length + 1}`;
    this.handles.push(handle);
    return handle;
  }
}
