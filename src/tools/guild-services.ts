// What tools may do in a guild; the guild layer implements it per session and hands it over.

export interface VoiceMember {
  id: string;
  displayName: string;
  /** True while Discord reports the member speaking, when the implementer knows it. */
  speaking?: boolean;
}

/**
 * The guild-side capabilities a tool can use. Implemented by guild/ (one per guild session) and
 * returned by the registry's `servicesFor(origin)`; `null` there means "not in a guild".
 */
export interface GuildToolServices {
  /** IANA time zone for times spoken in this guild (e.g. 'Europe/Paris'); 'UTC' when unset. */
  readonly timeZone: string;
  /**
   * People in the bot's voice channel right now, the bot itself excluded; `null` when the bot is
   * not in a voice channel in this guild.
   */
  voiceMembers(): Promise<VoiceMember[] | null>;
  /**
   * Posts `text` (Discord markdown, at most 2000 characters) to the session's text channel with
   * all mentions disabled. Reminders call it minutes later, possibly after the voice session has
   * ended, so it should keep working as long as the text channel exists (or throw, which is logged).
   */
  postMessage(text: string): Promise<void>;
  /**
   * Leaves the voice channel. Resolve once the leave is scheduled, not when teardown finishes:
   * the tool call that asked for it must still be able to answer the model, and teardown calls
   * `ToolRegistry.abortAll`, which would otherwise cancel that very call.
   */
  leaveVoice(reason: string): Promise<void>;
}
