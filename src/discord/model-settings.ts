// Which guild settings the configured Live model decides itself, with the words /config uses for them.
import { capabilitiesFor, type ModelCapabilities } from '../live/capabilities.ts';
import type { SettingKey } from '../store/index.ts';

export interface ModelDecides {
  /** Shown by /config show instead of the stored value. */
  note: string;
  /** The one sentence that answers an attempt to change it. */
  why: string;
}

/**
 * Undefined when the guild's value is what the model uses. Built from the capabilities table,
 * so a new model needs a row there, not a branch here.
 */
export function modelDecides(
  key: SettingKey,
  model: string,
  capabilities: Pick<ModelCapabilities, 'proactiveAudio'> = capabilitiesFor(model),
): ModelDecides | undefined {
  if (key !== 'proactiveAudio') return undefined;
  switch (capabilities.proactiveAudio) {
    case 'always':
      return {
        note: `always on (${model})`,
        why: `Proactive audio is always on with ${model} (Google does not let it be turned off), so there is nothing to change.`,
      };
    case 'none':
      return {
        note: `not supported by ${model}`,
        why: `${model} does not support proactive audio, so this setting would have no effect; a server owner can choose a model that does (see README, "Models").`,
      };
    case 'optional':
      return undefined;
  }
}
