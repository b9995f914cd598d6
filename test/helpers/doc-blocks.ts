import fs from 'node:fs';

/**
 * The shell blocks of a Markdown file, each with the marker that precedes it, if any:
 *   <!-- docs-test: skip (reason) -->   not run (needs the outside world, or runs until Ctrl-C)
 *   <!-- docs-test: exit N -->          run; must exit N (the documented code of a failure)
 * A marker applies to the next fence, with only blank lines between them.
 */
export interface DocBlock {
  file: string;
  line: number;
  lang: string;
  code: string;
  notRun?: string;
  exit: number;
}

const MARKER = /^<!--\s*docs-test:\s*(.*?)\s*-->$/;

export function docBlocks(file: string, text = fs.readFileSync(file, 'utf8')): DocBlock[] {
  const lines = text.split('\n');
  const blocks: DocBlock[] = [];
  let marker: { text: string; line: number } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    const m = l.trim().match(MARKER);
    if (m) {
      marker = { text: m[1]!, line: i + 1 };
      continue;
    }
    const fence = l.match(/^(\s*)(`{3,})\s*([\w-]*)/);
    if (!fence) {
      if (l.trim() !== '') marker = undefined;
      continue;
    }
    const close = new RegExp(`^\\s*${fence[2]}\\s*$`);
    let j = i + 1;
    while (j < lines.length && !close.test(lines[j]!)) j++;
    if (j === lines.length) throw new Error(`${file}:${i + 1}: a fence that never closes`);
    const indent = fence[1]!.length;
    const code = lines
      .slice(i + 1, j)
      .map((s) => s.slice(Math.min(indent, s.length - s.trimStart().length)))
      .join('\n');
    const block: DocBlock = { file, line: i + 1, lang: fence[3]!, code, exit: 0 };
    if (marker) Object.assign(block, parseMarker(marker.text, `${file}:${marker.line}`));
    blocks.push(block);
    marker = undefined;
    i = j;
  }
  return blocks;
}

function parseMarker(text: string, where: string): { notRun?: string; exit?: number } {
  const skip = text.match(/^skip\s+\((.+)\)$/);
  if (skip) return { notRun: skip[1]! };
  const exit = text.match(/^exit\s+(\d+)$/);
  if (exit) return { exit: Number(exit[1]) };
  throw new Error(`${where}: unknown docs-test marker "${text}" (skip (reason) | exit N)`);
}
