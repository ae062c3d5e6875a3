import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importEdges, layerViolations, missingPaths, parseLayerRules } from '../../helpers/doc-checks.ts';

const ROOT = join(import.meta.dirname, '../../..');
const architecture = readFileSync(join(ROOT, 'docs/architecture.md'), 'utf8');
const rules = parseLayerRules(architecture);

describe('docs/architecture.md import rules', () => {
  it('GIVEN the rules table THEN it names every layer the guide describes', () => {
    expect(rules.map((r) => r.layer)).toEqual(
      expect.arrayContaining(['src/audio/', 'src/live/', 'src/voice/', 'src/guild/', 'commands/']),
    );
    expect(rules.find((r) => r.layer === 'src/live/')?.allowed).not.toContain('src/voice/');
  });

  it('GIVEN every import under src/ and commands/ THEN none crosses a layer the table forbids', () => {
    const edges = importEdges(ROOT, ['src', 'commands']);
    expect(edges.length).toBeGreaterThan(200);
    const violations = layerViolations(edges, rules).map((e) => `${e.from} → ${e.to}`);
    expect(violations).toEqual([]);
  });

  it('GIVEN live/ importing voice/ (as a careless change would) THEN the check reports it', () => {
    const edges = [
      { from: 'src/live/session.ts', to: 'src/voice/voice-link.ts' },
      { from: 'src/live/session.ts', to: 'src/live/protocol.ts' },
      { from: 'src/live/session.ts', to: 'src/errors.ts' },
      { from: 'src/voice/voice-link.ts', to: 'src/live/session.ts' },
      { from: 'commands/join.ts', to: 'src/voice/voice-link.ts' },
      { from: 'src/tools/registry.ts', to: 'src/live/tool-port.ts' },
      { from: 'src/tools/registry.ts', to: 'src/live/session.ts' },
    ];
    expect(layerViolations(edges, rules)).toEqual([
      { from: 'src/live/session.ts', to: 'src/voice/voice-link.ts' },
      { from: 'src/voice/voice-link.ts', to: 'src/live/session.ts' },
      { from: 'commands/join.ts', to: 'src/voice/voice-link.ts' },
      { from: 'src/tools/registry.ts', to: 'src/live/session.ts' },
    ]);
  });
});

describe('developer docs name only what exists', () => {
  for (const file of ['docs/architecture.md', 'CONTRIBUTING.md', 'README.md']) {
    it(`GIVEN ${file} THEN every path and relative link in it exists`, () => {
      expect(missingPaths(ROOT, file)).toEqual([]);
    });
  }

  it('GIVEN the README THEN its developer section links both guides', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain('](docs/architecture.md)');
    expect(readme).toContain('](CONTRIBUTING.md)');
  });
});
