// Checks that keep the developer docs true: the import rules table, and paths named in backticks.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

/** One row of the rules table: files under `layer` may import only `allowed` (besides their own layer). */
export interface LayerRule {
  layer: string;
  allowed: string[];
}

export interface ImportEdge {
  from: string;
  to: string;
}

const RULES_START = '<!-- layer-rules:start -->';
const RULES_END = '<!-- layer-rules:end -->';

/** Reads the rows between the layer-rules markers: `| \`layer\` | \`a\`, \`b\` |`. */
export function parseLayerRules(markdown: string): LayerRule[] {
  const start = markdown.indexOf(RULES_START);
  const end = markdown.indexOf(RULES_END);
  if (start < 0 || end < start) throw new Error('the layer-rules markers are missing');
  const rules: LayerRule[] = [];
  for (const line of markdown.slice(start, end).split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    const [, layerCell, allowedCell] = cells;
    const layer = layerCell?.match(/^`([^`]+)`$/)?.[1];
    if (!layer || allowedCell === undefined) continue;
    rules.push({ layer, allowed: [...allowedCell.matchAll(/`([^`]+)`/g)].map((m) => m[1] ?? '') });
  }
  return rules;
}

/** A path (file, or folder ending in /) covers a file when it is that file or the file is inside it. */
function covers(path: string, file: string): boolean {
  return path.endsWith('/') ? file.startsWith(path) : file === path;
}

/** Imports that leave their layer for a place the layer's row does not allow. */
export function layerViolations(edges: readonly ImportEdge[], rules: readonly LayerRule[]): ImportEdge[] {
  return edges.filter(({ from, to }) => {
    const rule = rules.find((r) => covers(r.layer, from));
    if (!rule || covers(rule.layer, to)) return false;
    return !rule.allowed.some((allowed) => covers(allowed, to));
  });
}

const IMPORT_PATTERN = /(?:^|\n)\s*(?:import|export)\s[^'"]*?['"](\.{1,2}\/[^'"]+)['"]/g;

/** Every relative import of the .ts files under `dirs` (paths relative to `root`, with / separators). */
export function importEdges(root: string, dirs: readonly string[]): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const file of dirs.flatMap((dir) => tsFiles(root, dir))) {
    const text = readFileSync(join(root, file), 'utf8');
    for (const match of text.matchAll(IMPORT_PATTERN)) {
      const target = normalize(join(dirname(file), match[1] ?? '')).replaceAll('\\', '/');
      edges.push({ from: file, to: target });
    }
  }
  return edges;
}

function tsFiles(root: string, dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(root, dir))) {
    const path = join(dir, name);
    if (statSync(join(root, path)).isDirectory()) out.push(...tsFiles(root, path));
    else if (name.endsWith('.ts')) out.push(path.replaceAll('\\', '/'));
  }
  return out;
}

const PATH_IN_BACKTICKS = /`((?:src|commands|test|scripts|docs|\.ci)\/[^`\s]*|[A-Za-z-]+\.(?:md|json|ts))`/g;
const MARKDOWN_LINK = /\]\((?!https?:|#|mailto:)([^)#\s]+)(?:#[^)]*)?\)/g;

/** Paths a markdown file names (in backticks or as relative links) that do not exist. */
export function missingPaths(root: string, markdownFile: string): string[] {
  const text = readFileSync(join(root, markdownFile), 'utf8');
  const named = new Set<string>();
  for (const m of text.matchAll(PATH_IN_BACKTICKS)) named.add(m[1] ?? '');
  for (const m of text.matchAll(MARKDOWN_LINK)) {
    named.add(relative(root, join(root, dirname(markdownFile), m[1] ?? '')).replaceAll('\\', '/'));
  }
  // Templates such as `src/tools/builtin/<name>.ts` name no file.
  const concrete = [...named].filter((path) => path && !/[<*…]/.test(path));
  return concrete.filter((path) => !existsSync(join(root, path.replace(/\/$/, ''))));
}
