// Runs a script of this repository as a child process on this Node and reads what it writes (pino lines too).
import { type ChildProcess, spawn } from 'node:child_process';

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** performance.now() when the process exited. */
  atMs: number;
}

export interface NodeChildOptions {
  /** What follows Node's own flags: a script and its arguments, or `-e` and code. */
  args: readonly string[];
  /** Node flags before them (e.g. `--import` of a test-only fault hook). */
  nodeArgs?: readonly string[];
  cwd?: string;
  /** The child's whole environment; without it, this process's. */
  env?: NodeJS.ProcessEnv;
  /** Keep stdin open for the caller to write to (otherwise it is /dev/null). */
  stdin?: boolean;
  /** Who it is, in error messages. */
  name?: string;
  /** SIGKILL once it has run this long (ms): a child that hangs must not hang its caller. */
  killAfterMs?: number;
  /** Every line with text in it, from either stream, as it arrives. */
  onLine?(line: string, stream: 'stdout' | 'stderr'): void;
}

export type LogLine = Record<string, unknown>;

export interface NodeChild {
  readonly child: ChildProcess;
  /** performance.now() just before the spawn. */
  readonly startedAtMs: number;
  /** Everything written so far. */
  readonly stdout: string;
  readonly stderr: string;
  /** Both streams in the order their chunks arrived (as a terminal would show them). */
  readonly output: string;
  /** stdout's lines as JSON objects (pino's log lines); a line that is not JSON is kept as `{ msg: line }`. */
  readonly logs: LogLine[];
  /** Resolves when the process exited (the last of its output may still be on the way). */
  readonly exited: Promise<ChildExit>;
  /** Resolves once the process exited and all its output was read. */
  readonly finished: Promise<ChildExit>;
  /** Null while it runs. */
  exit(): ChildExit | null;
  /** The first stdout line `matches` accepts; rejects if the process exits first or after `timeoutMs`. */
  waitForLine(matches: (line: string) => boolean, what: string, timeoutMs?: number): Promise<string>;
  /** The first log line `matches` accepts; rejects like waitForLine. */
  waitForLog(matches: (line: LogLine) => boolean, what: string, timeoutMs?: number): Promise<LogLine>;
  /** SIGTERM, then SIGKILL if it is still running after `graceMs`; resolves when it exited. */
  kill(graceMs?: number): Promise<ChildExit>;
}

const DEFAULT_WAIT_MS = 20_000;
const DEFAULT_GRACE_MS = 15_000;
/** How much of stderr an "exited before" error quotes (characters, the end of it). */
const STDERR_QUOTED = 2_000;

export function startNodeChild(options: NodeChildOptions): NodeChild {
  const name = options.name ?? 'the child process';
  const startedAtMs = performance.now();
  const child = spawn(
    process.execPath,
    ['--disable-warning=ExperimentalWarning', ...(options.nodeArgs ?? []), ...options.args],
    {
      ...(options.cwd ? { cwd: options.cwd } : {}),
      env: options.env ?? process.env,
      stdio: [options.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    },
  );
  const text = { stdout: '', stderr: '', output: '' };
  const lines: string[] = [];
  const logs: LogLine[] = [];
  const wakers = new Set<() => void>();
  const wakeAll = () => {
    for (const wake of wakers) wake();
  };
  for (const stream of ['stdout', 'stderr'] as const) {
    let partial = '';
    child[stream]?.setEncoding('utf8');
    child[stream]?.on('data', (chunk: string) => {
      text[stream] += chunk;
      text.output += chunk;
      const complete = (partial + chunk).split('\n');
      partial = complete.pop() ?? '';
      for (const line of complete) {
        if (line.trim() === '') continue;
        options.onLine?.(line, stream);
        if (stream === 'stdout') {
          lines.push(line);
          logs.push(parseLogLine(line));
        }
      }
      if (stream === 'stdout') wakeAll();
    });
  }
  let result: ChildExit | null = null;
  let killer: NodeJS.Timeout | undefined;
  if (options.killAfterMs !== undefined)
    killer = setTimeout(() => child.kill('SIGKILL'), options.killAfterMs);
  const exited = new Promise<ChildExit>((resolve) => {
    child.once('exit', (code, signal) => {
      clearTimeout(killer);
      result = { code, signal, atMs: performance.now() };
      resolve(result);
      wakeAll();
    });
  });
  const finished = new Promise<ChildExit>((resolve) => child.once('close', () => void exited.then(resolve)));

  function waitFor<T>(find: () => T | undefined, what: string, timeoutMs: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const check = () => {
        const found = find();
        if (found !== undefined) {
          done();
          resolve(found);
        } else if (result) {
          done();
          const how = `code ${result.code}, signal ${result.signal}`;
          reject(new Error(`${name} exited (${how}) before ${what}: ${text.stderr.slice(-STDERR_QUOTED)}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what} from ${name}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        wakers.delete(check);
      };
      wakers.add(check);
      check();
    });
  }

  return {
    child,
    startedAtMs,
    get stdout() {
      return text.stdout;
    },
    get stderr() {
      return text.stderr;
    },
    get output() {
      return text.output;
    },
    logs,
    exited,
    finished,
    exit: () => result,
    waitForLine: (matches, what, timeoutMs = DEFAULT_WAIT_MS) =>
      waitFor(() => lines.find(matches), what, timeoutMs),
    waitForLog: (matches, what, timeoutMs = DEFAULT_WAIT_MS) =>
      waitFor(() => logs.find(matches), what, timeoutMs),
    async kill(graceMs = DEFAULT_GRACE_MS) {
      if (result) return result;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const exit = await exited;
      clearTimeout(timer);
      return exit;
    },
  };
}

function parseLogLine(line: string): LogLine {
  try {
    const parsed: unknown = JSON.parse(line);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as LogLine;
  } catch {
    // Not JSON: kept as a message so a predicate on `msg` still sees it.
  }
  return { msg: line };
}
