// Doctor check results: one line each, ✓ / ✗ / – (skipped), and a fix for every ✗.
import { raceTimeout, systemClock } from '../clock.ts';

export type CheckStatus = 'ok' | 'fail' | 'skip';

export interface CheckResult {
  name: string;
  status: CheckStatus;
  /** What was found, for a person: names, versions, counts. Never a secret. */
  detail: string;
  /** What to do about a ✗ (required when status is 'fail'). */
  fix?: string;
}

export const ok = (name: string, detail: string): CheckResult => ({ name, status: 'ok', detail });
export const fail = (name: string, detail: string, fix: string): CheckResult => ({
  name,
  status: 'fail',
  detail,
  fix,
});
export const skip = (name: string, detail: string): CheckResult => ({ name, status: 'skip', detail });

const MARK: Record<CheckStatus, string> = { ok: '✓', fail: '✗', skip: '–' };

/** "✓ name: detail", plus an indented "fix:" line for a ✗. */
export function formatResult(result: CheckResult): string {
  const line = `${MARK[result.status]} ${result.name}: ${result.detail}`;
  return result.fix ? `${line}\n    fix: ${result.fix}` : line;
}

/** Bounds a network step so the doctor always finishes; rejects with a readable message. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return raceTimeout(promise, ms, systemClock, (): never => {
    throw new Error(`${what}: no answer within ${ms / 1000} s`);
  });
}
