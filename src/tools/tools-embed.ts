// The /tools listing: one embed field per tool, split into pages that fit Discord's embed limits.
import {
  type APIApplicationCommandOption,
  type APIEmbed,
  type APIEmbedField,
  ApplicationCommandOptionType,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import { truncate } from './result-text.ts';

/** Discord: at most 25 fields, 1024 characters per field value, 6000 characters per embed. */
const MAX_FIELDS = 25;
const MAX_FIELD_VALUE_CHARS = 1024;
/** 6000 less room for the title, description and "Page n of m" footer. */
const MAX_FIELD_CHARS_PER_PAGE = 5500;

const TITLE = 'Tools';
const DESCRIPTION =
  'Gemini can use these while you talk. Each one is also a slash command you can run yourself.';

const TYPE_NAMES: Partial<Record<ApplicationCommandOptionType, string>> = {
  [ApplicationCommandOptionType.String]: 'text',
  [ApplicationCommandOptionType.Integer]: 'whole number',
  [ApplicationCommandOptionType.Number]: 'number',
  [ApplicationCommandOptionType.Boolean]: 'yes/no',
};

function describeOption(option: APIApplicationCommandOption): string {
  const facts = [TYPE_NAMES[option.type] ?? 'value', option.required ? 'required' : 'optional'];
  if ('choices' in option && option.choices)
    facts.push(`one of ${option.choices.map((c) => c.name).join(', ')}`);
  if ('min_value' in option && option.min_value !== undefined) facts.push(`min ${option.min_value}`);
  if ('max_value' in option && option.max_value !== undefined) facts.push(`max ${option.max_value}`);
  return `• \`${option.name}\` (${facts.join(', ')}): ${option.description}`;
}

function toolField(command: RESTPostAPIChatInputApplicationCommandsJSONBody): APIEmbedField {
  const lines = [command.description, ...(command.options ?? []).map(describeOption)];
  return { name: `/${command.name}`, value: truncate(lines.join('\n'), MAX_FIELD_VALUE_CHARS) };
}

/** Always at least one page; tools keep their registry order across pages. */
export function toolsEmbedPages(
  commands: readonly RESTPostAPIChatInputApplicationCommandsJSONBody[],
): APIEmbed[] {
  const pages: APIEmbedField[][] = [[]];
  let chars = 0;
  for (const field of commands.map(toolField)) {
    const size = field.name.length + field.value.length;
    const page = pages[pages.length - 1] ?? [];
    if (page.length > 0 && (page.length >= MAX_FIELDS || chars + size > MAX_FIELD_CHARS_PER_PAGE)) {
      pages.push([field]);
      chars = size;
    } else {
      page.push(field);
      chars += size;
    }
  }
  return pages.map((fields, i) => ({
    title: TITLE,
    description: fields.length > 0 ? DESCRIPTION : 'No tools are available.',
    fields,
    ...(pages.length > 1
      ? { footer: { text: `Page ${i + 1} of ${pages.length} (use the page option)` } }
      : {}),
  }));
}
