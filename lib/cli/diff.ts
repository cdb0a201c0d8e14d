import { createTwoFilesPatch } from 'diff';
import pc from 'picocolors';

/** A unified diff of two texts, coloured for a terminal (plain when NO_COLOR is set or output is piped). */
export function coloredDiff(leftName: string, left: string, rightName: string, right: string): string {
  if (left === right) return '';
  const patch = createTwoFilesPatch(leftName, rightName, left, right, '', '', { context: 3 });
  return patch
    .split('\n')
    .filter((line) => !line.startsWith('====='))
    .map((line) => {
      if (line.startsWith('+++') || line.startsWith('---')) return pc.bold(line);
      if (line.startsWith('@@')) return pc.cyan(line);
      if (line.startsWith('+')) return pc.green(line);
      if (line.startsWith('-')) return pc.red(line);
      return line;
    })
    .join('\n')
    .trimEnd();
}
