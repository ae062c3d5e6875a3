// Bench-only: OpusCodec over opusscript's wasm build with the pointer arithmetic corrected.
//
// Stock opusscript indexes HEAPU16 with byte addresses, so instances trample each other (audio.md).
// Here every view is taken at the byte address the allocator returned, and sizes are in bytes. The
// project does not ship this; it exists so `npm run bench` can compare it with @evan/opus.
import { createRequire } from 'node:module';
import { concealmentPacket } from '../../src/codec/concealment-packet.ts';
import {
  type DecoderOutput,
  DISCORD_PCM,
  type EncoderInput,
  type OpusCodec,
  type OpusDecoder,
  type OpusEncoder,
  type OpusEncoderOptions,
} from '../../src/codec/opus-codec.ts';
import { BotError } from '../../src/errors.ts';

interface Handler {
  _encode(inPtr: number, inBytes: number, outPtr: number, frameSize: number): number;
  _decode(inPtr: number, inBytes: number, outPtr: number): number;
  _encoder_ctl(ctl: number, value: number): number;
}
interface WasmModule {
  HEAPU8: Uint8Array;
  HEAPU16: Uint16Array;
  _malloc(bytes: number): number;
  _free(ptr: number): void;
  OpusScriptHandler: {
    new (rate: number, channels: number, application: number): Handler;
    destroy_handler(h: Handler): void;
  };
}

const MAX_PACKET_BYTES = 1276 * 3;
/** 120 ms at 48 kHz stereo int16. */
const PCM_BYTES = 5760 * 2 * 2;
/**
 * The handler's _encode expects one input byte per uint16 slot (it reassembles `slot[2i+1] << 8 |
 * slot[2i]` in place), so its input buffer needs two bytes of memory per PCM byte.
 */
const ENCODE_INPUT_BYTES = PCM_BYTES * 2;
const OPUS_SET_BITRATE = 4002;
const APPLICATION_AUDIO = 2049;

class Instance {
  readonly module: WasmModule;
  readonly handler: Handler;
  readonly pcmPtr: number;
  readonly packetPtr: number;
  readonly channels: number;

  constructor(module: WasmModule, format: DecoderOutput | EncoderInput = DISCORD_PCM) {
    this.module = module;
    this.channels = format.channels;
    this.handler = new module.OpusScriptHandler(format.sampleRateHz, format.channels, APPLICATION_AUDIO);
    this.pcmPtr = module._malloc(ENCODE_INPUT_BYTES);
    this.packetPtr = module._malloc(MAX_PACKET_BYTES);
  }

  decode(packet: Uint8Array): Int16Array {
    this.module.HEAPU8.set(packet, this.packetPtr);
    const samples = this.handler._decode(this.packetPtr, packet.length, this.pcmPtr);
    if (samples < 0) throw new BotError('OPUS_BAD_PACKET', `opusscript error ${samples}`);
    const bytes = this.module.HEAPU8.slice(this.pcmPtr, this.pcmPtr + samples * this.channels * 2);
    return new Int16Array(bytes.buffer);
  }

  encode(pcm: Int16Array): Uint8Array {
    // HEAPU16 is indexed in 16-bit units: the byte address shifted right by one (the stock bug).
    this.module.HEAPU16.set(new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength), this.pcmPtr >> 1);
    const length = this.handler._encode(
      this.pcmPtr,
      pcm.byteLength,
      this.packetPtr,
      pcm.length / this.channels,
    );
    if (length < 0) throw new BotError('OPUS_ENCODE_FAILED', `opusscript error ${length}`);
    return this.module.HEAPU8.slice(this.packetPtr, this.packetPtr + length);
  }

  destroy(): void {
    this.module.OpusScriptHandler.destroy_handler(this.handler);
    this.module._free(this.pcmPtr);
    this.module._free(this.packetPtr);
  }
}

export function createFixedOpusscriptCodec(): OpusCodec {
  const require = createRequire(import.meta.url);
  const factory = require('opusscript/build/opusscript_native_wasm.js') as () => WasmModule;
  const module = factory();
  return {
    name: 'opusscript wasm (corrected binding)',
    createDecoder(output: DecoderOutput = DISCORD_PCM): OpusDecoder {
      const instance = new Instance(module, output);
      let lastToc: number | null = null;
      return {
        decode(packet) {
          const pcm = instance.decode(packet);
          lastToc = packet[0]!;
          return pcm;
        },
        conceal: () => instance.decode(concealmentPacket(lastToc)),
        destroy: () => instance.destroy(),
      };
    },
    createEncoder(options: OpusEncoderOptions = {}): OpusEncoder {
      const input = options.input ?? DISCORD_PCM;
      const instance = new Instance(module, input);
      const bitrateBps = options.bitrateBps ?? 64_000;
      instance.handler._encoder_ctl(OPUS_SET_BITRATE, bitrateBps);
      return { bitrateBps, input, encode: (pcm) => instance.encode(pcm), destroy: () => instance.destroy() };
    },
  };
}
