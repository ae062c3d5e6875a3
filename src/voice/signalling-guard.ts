// Keeps one bad voice-gateway message from throwing out of the websocket and taking the process down.

/** The parts of @discordjs/voice's Networking and VoiceWebSocket this guard touches (not exported by it). */
interface GuardableSocket {
  onMessage(event: unknown): void;
}

interface GuardableNetworking {
  state: object;
  on(event: 'stateChange', listener: (oldState: object, newState: object) => void): unknown;
}

const guarded = new WeakSet<object>();

/**
 * @discordjs/voice 0.19.2 handles each voice-gateway message synchronously inside the websocket's
 * message callback with nothing around it: a binary frame shorter than 3 bytes throws
 * ERR_OUT_OF_RANGE while its header is read, and davey throws from `processProposals` and
 * `setExternalSender` (e.g. a proposal for an epoch the client already left). Either is an
 * uncaught exception. Each socket the connection opens (a resume opens a new one) gets its
 * message handler wrapped, so such a message is reported and dropped and the call goes on; the
 * library's own op 31 recovery still handles commits and welcomes it cannot process.
 */
export function guardSignalling(networking: GuardableNetworking, onError: (error: unknown) => void): void {
  if (guarded.has(networking)) return;
  guarded.add(networking);
  const wrap = (state: object): void => {
    const ws = 'ws' in state ? (state.ws as GuardableSocket | undefined) : undefined;
    if (!ws || guarded.has(ws)) return;
    guarded.add(ws);
    const handle = ws.onMessage.bind(ws);
    ws.onMessage = (event: unknown) => {
      try {
        handle(event);
      } catch (error) {
        onError(error);
      }
    };
  };
  wrap(networking.state);
  networking.on('stateChange', (_old, next) => wrap(next));
}
