// `npm run doctor`: checks the real setup (.env, Discord, Gemini, data directory) and says how to fix what fails.
import { existsSync } from 'node:fs';
import { ConfigError, loadConfig } from '../src/config.ts';
import { type LoadedConfig, runDoctor, verdict } from '../src/doctor/run-doctor.ts';

function load(): LoadedConfig {
  try {
    return { config: loadConfig() };
  } catch (error) {
    if (error instanceof ConfigError) return { error };
    throw error;
  }
}

const write = (line: string) => process.stdout.write(`${line}\n`);
write('Gemini voice bot — doctor (checks this machine, .env, Discord and Gemini; prints no secrets)');
const results = await runDoctor(load(), {
  write,
  configSource: existsSync('.env') ? '.env and the environment' : 'the environment (no .env here)',
});
const { line, exitCode } = verdict(results);
write(line);
process.exit(exitCode);
