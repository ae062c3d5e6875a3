// /config: server managers shape the bot (voice, persona, language, transcripts, budget, …).
import {
  ActionRowBuilder,
  ChannelType,
  type ChatInputCommandInteraction,
  InteractionContextType,
  MessageFlags,
  ModalBuilder,
  PermissionFlagsBits,
  SlashCommandBuilder,
  type SlashCommandSubcommandBuilder,
  TextInputBuilder,
  TextInputStyle,
} from 'discord.js';
import type { Config } from '../src/config.ts';
import type { Command } from '../src/discord/command.ts';
import { modelDecides } from '../src/discord/model-settings.ts';
import { requireGuild, requireManageGuild } from '../src/discord/preconditions.ts';
import { settingsSummary, settingValueText, whenItApplies } from '../src/discord/settings-text.ts';
import { UserFacingError } from '../src/errors.ts';
import type { SessionRegistry } from '../src/guild/session-registry.ts';
import {
  DAILY_VOICE_MAX_MINUTES,
  END_OF_TURN_HOLD_MAX_MS,
  END_OF_TURN_HOLD_MIN_MS,
  IDLE_LEAVE_MAX_SECONDS,
  NOT_READ_SENTENCE,
  NOT_SAVED_SENTENCE,
  PERSONA_MAX_CHARS,
  PREBUILT_VOICES,
  SETTING_KEYS,
  SETTING_SPECS,
  type SettingKey,
  type SettingsPatch,
  type Store,
  type TurnTaking,
  unlessUnavailable,
  VAD_SENSITIVITIES,
  type VadSensitivity,
  type VoiceName,
} from '../src/store/index.ts';
import { NO_MENTIONS } from '../src/transcripts/format.ts';

export interface ConfigServices {
  store: Store;
  sessions: SessionRegistry;
  config: Pick<Config, 'GEMINI_LIVE_MODEL'>;
}

const PERSONA_MODAL_ID = 'config:persona';
const PERSONA_INPUT_ID = 'persona';

/** A subcommand that switches one setting on or off with its required `enabled` option. */
function toggle(name: string, description: string, optionDescription: string) {
  return (s: SlashCommandSubcommandBuilder) =>
    s
      .setName(name)
      .setDescription(description)
      .addBooleanOption((o) => o.setName('enabled').setDescription(optionDescription).setRequired(true));
}

/** A subcommand whose required option picks one of `choices`. */
function oneOf(
  name: string,
  description: string,
  option: { name: string; description: string },
  choices: { name: string; value: string }[],
) {
  return (s: SlashCommandSubcommandBuilder) =>
    s
      .setName(name)
      .setDescription(description)
      .addStringOption((o) =>
        o
          .setName(option.name)
          .setDescription(option.description)
          .setRequired(true)
          .addChoices(...choices),
      );
}

/** A subcommand whose one required option is a whole number from 0 to `max`. */
function upTo(name: string, description: string, option: string, max: number) {
  return (s: SlashCommandSubcommandBuilder) =>
    s
      .setName(name)
      .setDescription(description)
      .addIntegerOption((o) =>
        o.setName(option).setDescription(`0 to ${max}`).setRequired(true).setMinValue(0).setMaxValue(max),
      );
}

const data = new SlashCommandBuilder()
  .setName('config')
  .setDescription('Change how the bot behaves in this server (Manage Server)')
  .setContexts(InteractionContextType.Guild)
  .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
  .addSubcommand((s) => s.setName('show').setDescription('Show the current settings'))
  .addSubcommand((s) =>
    s
      .setName('voice')
      .setDescription("Gemini's speaking voice")
      .addStringOption((o) =>
        o.setName('name').setDescription('One of the 30 voices').setRequired(true).setAutocomplete(true),
      ),
  )
  .addSubcommand((s) =>
    s.setName('persona').setDescription('Edit the instructions that shape how Gemini behaves'),
  )
  .addSubcommand((s) =>
    s
      .setName('language')
      .setDescription('Language Gemini speaks (empty = Gemini chooses)')
      .addStringOption((o) =>
        o.setName('code').setDescription('A language code such as en-US or de-DE').setMaxLength(35),
      ),
  )
  .addSubcommand((s) =>
    toggle(
      'transcripts',
      'Post what was said to a text channel',
      'Post transcripts',
    )(s).addChannelOption((o) =>
      o
        .setName('channel')
        .setDescription('Where to post them (default: where /join is used)')
        .addChannelTypes(ChannelType.GuildText, ChannelType.GuildVoice, ChannelType.PublicThread),
    ),
  )
  .addSubcommand(toggle('tool-lines', 'Show a line when Gemini uses a tool', 'Show tool lines'))
  .addSubcommand(toggle('search', 'Let Gemini use Google Search', 'Allow Google Search'))
  .addSubcommand(
    oneOf(
      'sensitivity',
      'How eagerly Gemini decides someone started or stopped talking',
      { name: 'level', description: 'low suits noisy rooms' },
      VAD_SENSITIVITIES.map((v) => ({ name: v, value: v })),
    ),
  )
  .addSubcommand((s) =>
    oneOf(
      'turn-taking',
      'Who decides that someone finished talking',
      { name: 'mode', description: 'discord answers sooner; gemini waits for silence' },
      [
        { name: 'fast (Discord)', value: 'discord' },
        { name: 'gemini (server VAD)', value: 'gemini' },
      ],
    )(s).addIntegerOption((o) =>
      o
        .setName('hold-ms')
        .setDescription(
          `Discord mode: quiet time that ends a turn (${END_OF_TURN_HOLD_MIN_MS} to ${END_OF_TURN_HOLD_MAX_MS} ms)`,
        )
        .setMinValue(END_OF_TURN_HOLD_MIN_MS)
        .setMaxValue(END_OF_TURN_HOLD_MAX_MS),
    ),
  )
  .addSubcommand(
    toggle(
      'proactive',
      'Let Gemini stay quiet when speech is not meant for it (supported models)',
      'Proactive audio',
    ),
  )
  .addSubcommand(
    upTo(
      'idle-leave',
      'Seconds to stay after everyone left the voice channel',
      'seconds',
      IDLE_LEAVE_MAX_SECONDS,
    ),
  )
  .addSubcommand(
    upTo('budget', 'Daily voice minutes for this server (0 = unlimited)', 'minutes', DAILY_VOICE_MAX_MINUTES),
  )
  .addSubcommand((s) =>
    s
      .setName('reset')
      .setDescription('Put one setting (or all) back to its default')
      .addStringOption((o) =>
        o
          .setName('setting')
          .setDescription('Leave empty to reset everything')
          .addChoices(...SETTING_KEYS.map((k) => ({ name: SETTING_SPECS[k].label, value: k }))),
      ),
  );

/** Reads the subcommand's options into a settings patch. */
function patchOf(sub: string, options: ChatInputCommandInteraction['options']): SettingsPatch {
  switch (sub) {
    case 'voice':
      return { voiceName: options.getString('name', true) as VoiceName };
    case 'language':
      return { languageCode: options.getString('code') ?? null };
    case 'transcripts': {
      // Without a channel option the chosen channel stays as it is (`/config reset` clears it).
      const channel = options.getChannel('channel');
      return {
        transcriptsEnabled: options.getBoolean('enabled', true),
        ...(channel ? { transcriptChannelId: channel.id } : {}),
      };
    }
    case 'tool-lines':
      return { toolLinesEnabled: options.getBoolean('enabled', true) };
    case 'search':
      return { googleSearch: options.getBoolean('enabled', true) };
    case 'sensitivity':
      return { vadSensitivity: options.getString('level', true) as VadSensitivity };
    case 'turn-taking': {
      const hold = options.getInteger('hold-ms');
      return {
        turnTaking: options.getString('mode', true) as TurnTaking,
        ...(hold === null ? {} : { endOfTurnHoldMs: hold }),
      };
    }
    case 'proactive':
      return { proactiveAudio: options.getBoolean('enabled', true) };
    case 'idle-leave':
      return { idleLeaveSeconds: options.getInteger('seconds', true) };
    case 'budget':
      return { dailyVoiceMinutes: options.getInteger('minutes', true) };
    default:
      return {};
  }
}

function confirmation(
  keys: SettingKey[],
  settings: Parameters<typeof settingValueText>[1],
  inVoice: boolean,
): string {
  const lines = keys.map((k) => `**${SETTING_SPECS[k].label}** is now ${settingValueText(k, settings)}.`);
  return [...lines, whenItApplies(keys, inVoice)].join('\n');
}

export const configCommand: Command<ConfigServices> = {
  data: data.toJSON(),

  async execute(interaction, { store, sessions, config }) {
    const context = requireGuild(interaction);
    requireManageGuild(context.member);
    const guildId = context.guild.id;
    const sub = interaction.options.getSubcommand();
    const inVoice = sessions.get(guildId) !== undefined;

    const model = config.GEMINI_LIVE_MODEL;
    if (sub === 'show') {
      const text = settingsSummary(
        await unlessUnavailable(store, store.settings.get(guildId), NOT_READ_SENTENCE),
        (key) => modelDecides(key, model)?.note,
      );
      await interaction.reply({ content: text, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
      return;
    }
    if (sub === 'persona') {
      const input = new TextInputBuilder()
        .setCustomId(PERSONA_INPUT_ID)
        .setLabel('Instructions for Gemini')
        .setStyle(TextInputStyle.Paragraph)
        .setMaxLength(PERSONA_MAX_CHARS)
        .setValue((await unlessUnavailable(store, store.settings.get(guildId), NOT_READ_SENTENCE)).persona)
        .setRequired(true);
      const modal = new ModalBuilder()
        .setCustomId(PERSONA_MODAL_ID)
        .setTitle('Persona')
        .addComponents(new ActionRowBuilder<TextInputBuilder>().addComponents(input));
      await interaction.showModal(modal);
      return;
    }
    if (sub === 'reset') {
      const key = interaction.options.getString('setting') as SettingKey | null;
      const reset = key ? store.settings.reset(guildId, key) : store.settings.reset(guildId);
      const settings = await unlessUnavailable(store, reset, NOT_SAVED_SENTENCE);
      const content = key
        ? confirmation([key], settings, inVoice)
        : `Every setting is back to its default.\n${whenItApplies(SETTING_KEYS, inVoice)}`;
      await interaction.reply({ content, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
      return;
    }
    const patch = patchOf(sub, interaction.options);
    for (const key of Object.keys(patch) as SettingKey[]) {
      const decided = modelDecides(key, model);
      if (decided) throw new UserFacingError(decided.why, 'SETTING_NOT_FOR_MODEL');
    }
    const settings = await unlessUnavailable(
      store,
      store.settings.update(guildId, patch),
      NOT_SAVED_SENTENCE,
    );
    const keys = Object.keys(patch) as SettingKey[];
    await interaction.reply({
      content: confirmation(keys, settings, inVoice),
      flags: MessageFlags.Ephemeral,
      allowedMentions: NO_MENTIONS,
    });
  },

  async handleModal(interaction, { store, sessions }) {
    if (!interaction.inCachedGuild())
      throw new UserFacingError('This only works in a server.', 'NOT_IN_GUILD');
    // Checked again on submit: the modal could be kept open while someone's role changes.
    requireManageGuild(interaction.member);
    const persona = interaction.fields.getTextInputValue(PERSONA_INPUT_ID);
    const settings = await unlessUnavailable(
      store,
      store.settings.update(interaction.guildId, { persona }),
      NOT_SAVED_SENTENCE,
    );
    const inVoice = sessions.get(interaction.guildId) !== undefined;
    await interaction.reply({
      content: confirmation(['persona'], settings, inVoice),
      flags: MessageFlags.Ephemeral,
      allowedMentions: NO_MENTIONS,
    });
  },

  async autocomplete(interaction) {
    const typed = interaction.options.getFocused().toLowerCase();
    const matches = PREBUILT_VOICES.filter((v) => v.toLowerCase().includes(typed)).slice(0, 25);
    await interaction.respond(matches.map((v) => ({ name: v, value: v })));
  },
};
