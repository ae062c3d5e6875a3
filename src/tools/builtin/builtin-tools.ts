// The explicit list of built-in tools. Adding a tool: write builtin/<name>.ts with defineTool,
// then add one line below. Google Search is not here: it is a Gemini setting handled by live/.
import type { AnyTool } from '../define-tool.ts';
import type { RandomInt } from '../dice.ts';
import type { ReminderScheduler } from '../reminders.ts';
import { calculate } from './calculate.ts';
import { currentTime } from './current-time.ts';
import { leaveVoice } from './leave-voice.ts';
import { postMessage } from './post-message.ts';
import { rollDiceTool } from './roll-dice.ts';
import { setReminderTool } from './set-reminder.ts';
import { voiceMembers } from './voice-members.ts';

export interface BuiltinToolDeps {
  /** Owned by the caller, who calls `dispose()` on shutdown. */
  reminders: ReminderScheduler;
  /** Dice randomness; defaults to node:crypto randomInt. */
  randomInt?: RandomInt;
}

export function builtinTools(deps: BuiltinToolDeps): AnyTool[] {
  return [
    currentTime,
    rollDiceTool(deps.randomInt),
    calculate,
    voiceMembers,
    postMessage,
    setReminderTool(deps.reminders),
    leaveVoice,
  ];
}
