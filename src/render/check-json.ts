// `check --json`: the verdicts of a check run as one JSON document
// (schema/check.schema.json). Diagnostics, capture and summary have the
// shapes of the --json export.
import type { CheckRun } from '../check/report.js';
import { TOOL } from './json.js';

export const CHECK_SCHEMA_VERSION = 1;

export function renderCheckJson(run: CheckRun): string {
  const { verdict, exitStatus, failOn, allowEmpty, captures } = run;
  return `${JSON.stringify({ schemaVersion: CHECK_SCHEMA_VERSION, tool: TOOL, verdict, exitStatus, failOn, allowEmpty, captures }, null, 2)}\n`;
}
