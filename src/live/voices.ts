// Gemini Live's prebuilt voice names (a Gemini fact): the one list config, /config and settings validate against.

/** The 30 prebuilt voices (gemini-live.md), in the order Google lists them. */
export const PREBUILT_VOICES = [
  'Zephyr', 'Puck', 'Charon', 'Kore', 'Fenrir', 'Leda', 'Orus', 'Aoede', 'Callirrhoe', 'Autonoe',
  'Enceladus', 'Iapetus', 'Umbriel', 'Algieba', 'Despina', 'Erinome', 'Algenib', 'Rasalgethi',
  'Laomedeia', 'Achernar', 'Alnilam', 'Schedar', 'Gacrux', 'Pulcherrima', 'Achird', 'Zubenelgenubi',
  'Vindemiatrix', 'Sadachbia', 'Sadaltager', 'Sulafat',
] as const; // biome-ignore format: one voice list, easier to scan packed

export type VoiceName = (typeof PREBUILT_VOICES)[number];

/** Gemini's own default voice. */
export const DEFAULT_VOICE: VoiceName = 'Puck';
