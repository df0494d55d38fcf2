// `check --json`: the verdicts of a check run as one JSON document
// (schema/check.schema.json). Diagnostics, capture and summary have the
// shapes of the --json export.
import type { CheckRun } from '../check/report.js';
import { TOOL } from './json.js';

export const CHECK_SCHEMA_VERSION = 1;

export function renderCheckJson(run: CheckRun): string {
  const { verdict, exitStatus, failOn, allowEmpty, captures } = run;
  // a diagnostic as the contract has it: the facts its sentence was made from stay out (model.ts Diagnostic)
  const contract = (key: string, value: unknown): unknown => (key === 'facts' ? undefined : value);
  return `${JSON.stringify({ schemaVersion: CHECK_SCHEMA_VERSION, tool: TOOL, verdict, exitStatus, failOn, allowEmpty, captures }, contract, 2)}\n`;
}
