// The process fault policy, driven through an EventEmitter standing in for `process`.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { installFaultPolicy, type ProcessFault } from '../../src/process-faults.ts';
import { recordingLogger } from '../helpers/recording-logger.ts';

function setUp(overrides: { count?: () => void; context?: () => Record<string, unknown> } = {}) {
  const source = new EventEmitter();
  const rec = recordingLogger({ secrets: ['sk-secret-value-123'] });
  const counted: ProcessFault[] = [];
  const shutdowns: Error[] = [];
  installFaultPolicy(source, {
    log: rec.logger,
    count: overrides.count ?? ((fault) => counted.push(fault)),
    context: overrides.context ?? (() => ({ sessions: 3 })),
    onUncaughtException: (error) => shutdowns.push(error),
  });
  return { source, rec, counted, shutdowns };
}

describe('installFaultPolicy', () => {
  it('GIVEN two uncaught exceptions THEN both are logged fatal and counted, and shutdown starts once', () => {
    const { source, rec, counted, shutdowns } = setUp();
    source.emit('uncaughtException', new Error('first, with sk-secret-value-123'), 'uncaughtException');
    source.emit('uncaughtException', new Error('second'), 'uncaughtException');
    expect(shutdowns.map((e) => e.message)).toEqual(['first, with sk-secret-value-123']);
    expect(counted).toEqual(['uncaughtException', 'uncaughtException']);
    expect(rec.lines.map((l) => [l.level, l.sessions, l.alreadyStopping])).toEqual([
      [60, 3, false],
      [60, 3, true],
    ]);
    expect(rec.text()).not.toContain('sk-secret-value-123');
  });

  it('GIVEN an unhandled rejection THEN it is logged as an error and counted, and no shutdown starts', () => {
    const { source, rec, counted, shutdowns } = setUp();
    source.emit('unhandledRejection', new Error('nobody caught me'));
    expect(shutdowns).toEqual([]);
    expect(counted).toEqual(['unhandledRejection']);
    expect(rec.lines[0]).toMatchObject({
      level: 50,
      fault: 'unhandledRejection',
      msg: 'unhandled promise rejection',
    });
  });

  it('GIVEN metrics or context that throw THEN the fault is still logged and handled', () => {
    const { source, rec, shutdowns } = setUp({
      count: () => {
        throw new Error('metrics broke');
      },
      context: () => {
        throw new Error('context broke');
      },
    });
    expect(() => source.emit('uncaughtException', new Error('bug'), 'uncaughtException')).not.toThrow();
    expect(shutdowns).toHaveLength(1);
    expect(rec.lines[0]).toMatchObject({ level: 60, fault: 'uncaughtException' });
  });
});
