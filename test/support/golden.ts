// Golden files: what a renderer printed for a capture, committed and
// reviewed like code. UPDATE_GOLDEN=1 rewrites them (then read the diff); a
// missing one fails the test instead of being written quietly.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { expect } from 'vitest';

export function expectGolden(path: string, actual: string): void {
  const update = process.env['UPDATE_GOLDEN'] === '1';
  if (update) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
  } else if (!existsSync(path)) {
    throw new Error(`${path} is missing: run the test with UPDATE_GOLDEN=1 and review what it writes`);
  }
  expect(actual).toBe(readFileSync(path, 'utf8'));
}
