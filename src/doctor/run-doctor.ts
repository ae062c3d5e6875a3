// Runs every doctor check in order and prints one line each; secrets are scrubbed from every line.
import { GoogleGenAI } from '@google/genai';
import { botCommands } from '../bot.ts';
import { type Config, type ConfigError, secretsOf } from '../config.ts';
import { createLogger, scrubSecrets } from '../log.ts';
import { builtinTools } from '../tools/builtin/builtin-tools.ts';
import { ToolRegistry } from '../tools/registry.ts';
import { ReminderScheduler } from '../tools/reminders.ts';
import { type CheckResult, fail, formatResult, ok, skip } from './check.ts';
import { checkDiscord } from './discord-checks.ts';
import { checkGeminiLive, checkGeminiText } from './gemini-checks.ts';
import { checkCodec, checkNode, checkVoiceLibraries } from './runtime-checks.ts';
import { checkStore } from './store-check.ts';

export interface DoctorOptions {
  /** Where each finished line goes (the terminal). */
  write(line: string): void;
  nodeVersion?: string;
  /** Where the configuration came from, for the config line (e.g. ".env and the environment"). */
  configSource?: string;
}

/** The configuration as loadConfig() produced it, or why it could not. */
export type LoadedConfig = { config: Config } | { error: ConfigError };

export async function runDoctor(loaded: LoadedConfig, options: DoctorOptions): Promise<CheckResult[]> {
  const secrets = 'config' in loaded ? secretsOf(loaded.config) : [];
  const results: CheckResult[] = [];
  const report = (result: CheckResult) => {
    results.push(result);
    options.write(scrubSecrets(formatResult(result), secrets));
  };
  report(checkNode(options.nodeVersion ?? process.version));
  report(checkVoiceLibraries());
  report(checkCodec());
  if ('error' in loaded) {
    report(
      fail(
        'Configuration',
        loaded.error.problems.join(' '),
        'set the variables listed above in .env (copy .env.example to .env if there is none; README.md, "Configuration", explains each)',
      ),
    );
    report(skip('Discord, Gemini and data directory', 'not checked until the configuration is complete'));
    return results;
  }
  const config = loaded.config;
  report(ok('Configuration', describeConfig(config, options.configSource ?? 'the environment')));

  const logger = createLogger({ level: 'silent', secrets });
  const reminders = new ReminderScheduler({ logger });
  const tools = new ToolRegistry({ tools: builtinTools({ reminders }), servicesFor: () => null, logger });
  const ai = new GoogleGenAI({
    apiKey: config.GEMINI_API_KEY,
    apiVersion: 'v1beta',
    ...(config.GEMINI_BASE_URL ? { httpOptions: { baseUrl: config.GEMINI_BASE_URL } } : {}),
  });
  try {
    // Discord and Gemini are independent: check them at the same time, print in a fixed order.
    const [discord, live, text] = await Promise.all([
      checkDiscord(
        config,
        botCommands(tools).map((c) => c.data),
      ),
      checkGeminiLive(config, ai, tools, logger),
      checkGeminiText(config, ai),
    ]);
    for (const result of [...discord, live, text]) report(result);
    report(await checkStore(config));
  } finally {
    reminders.dispose();
  }
  return results;
}

function describeConfig(config: Config, source: string): string {
  const parts = [
    `read from ${source}`,
    `Discord at ${new URL(config.DISCORD_API_URL).origin}`,
    config.GEMINI_BASE_URL ? `Gemini at ${new URL(config.GEMINI_BASE_URL).origin}` : '',
    `voice ${config.GEMINI_VOICE}`,
    config.COMMANDS_GUILD_ID ? `commands in server ${config.COMMANDS_GUILD_ID}` : 'global commands',
  ];
  return parts.filter(Boolean).join(', ');
}

/** The closing line and the process exit code: non-zero when any check failed. */
export function verdict(results: readonly CheckResult[]): { line: string; exitCode: number } {
  const failed = results.filter((r) => r.status === 'fail');
  if (failed.length === 0) {
    return { line: `All ${results.filter((r) => r.status === 'ok').length} checks passed.`, exitCode: 0 };
  }
  return {
    line: `${failed.length} check(s) failed: ${failed.map((r) => r.name).join('; ')}. Fix them (see "fix:" above) and run \`npm run doctor\` again.`,
    exitCode: 1,
  };
}
