// A diagnostic made from its code: the registry (src/codes.ts) gives its
// severity and section; the place that raises it gives what was seen, where,
// and, when a narrower one of the rule's sections applies, that section.
import { type Code, sectionOf, severityOf } from './codes.js';
import type { Diagnostic, Side } from './model.js';

export interface Where {
  packet?: number | null;
  frame?: number | null;
  from?: Side | null;
}

export function diagnostic(code: Code, message: string, where: Where = {}, cite?: string | null): Diagnostic {
  return { code, severity: severityOf(code), message, rfc: sectionOf(code, cite), packet: where.packet ?? null, frame: where.frame ?? null, from: where.from ?? null };
}
