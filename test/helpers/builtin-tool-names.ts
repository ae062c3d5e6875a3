// The built-in tools people and Gemini get, in the order they are declared: what the tool tests expect.
export const BUILTIN_TOOL_NAMES: readonly string[] = [
  'current_time',
  'roll_dice',
  'calculate',
  'voice_members',
  'post_message',
  'set_reminder',
  'leave_voice',
];
