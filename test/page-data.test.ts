// The HTML report's script reads the JSON export's objects (render/html.ts
// writes them into the page), typed by src/page/data.d.ts. Those types
// restate the export's field names: a field renamed in the export and not in
// the page would leave the page reading nothing. Each page type's fields are
// held here to the schema's (schema/wsdissect.schema.json), but for the few
// the page is given besides, named below.
import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const schema = JSON.parse(readFileSync('schema/wsdissect.schema.json', 'utf8')) as { properties: Record<string, { properties?: Record<string, unknown> }>; definitions: Record<string, { properties?: Record<string, unknown> }> };

/** Each page type, the schema definition it restates, and what the page is given beyond it (render/html.ts). */
const RESTATED: [string, Record<string, unknown> | undefined, string[]][] = [
  ['PageFrame', schema.definitions['frame']?.properties, ['closeBody', 'closeName', 'summary']],
  ['PageMessage', schema.definitions['message']?.properties, []],
  ['AppReading', schema.definitions['appInfo']?.properties, []],
  ['PageDiagnostic', schema.definitions['diagnostic']?.properties, []],
  ['PageHandshake', schema.definitions['handshake']?.properties, ['acceptSteps']],
  ['Endpoint', schema.definitions['endpoint']?.properties, []],
  ['PageConnection', schema.definitions['connection']?.properties, ['kind', 'verdict', 'story', 'counts', 'cut', 'name']],
  ['PageEnd', schema.properties, ['linkTypeNames', 'interruption', 'selection', 'maxPayload', 'cut']],
];

/** The property names of each interface declared in the page's data types. */
function interfaces(): Map<string, string[]> {
  const file = ts.createSourceFile('data.d.ts', readFileSync('src/page/data.d.ts', 'utf8'), ts.ScriptTarget.ES2022, true);
  const out = new Map<string, string[]>();
  for (const s of file.statements) {
    if (ts.isInterfaceDeclaration(s)) out.set(s.name.text, s.members.filter(ts.isPropertySignature).map((m) => (m.name as ts.Identifier).text));
  }
  return out;
}

describe("the HTML report's data types", () => {
  const declared = interfaces();
  it.each(RESTATED)('%s names only fields the export has, or the page is given', (name, fields, extras) => {
    expect(fields, `schema definition for ${name}`).toBeDefined();
    const own = declared.get(name);
    expect(own, `interface ${name} in src/page/data.d.ts`).toBeDefined();
    const unknown = own!.filter((f) => !(f in fields!) && !extras.includes(f));
    expect(unknown).toEqual([]);
    // and the extras are not in the export (else they belong to the schema's list)
    expect(extras.filter((f) => f in fields!)).toEqual([]);
  });

  it('holds the timeline entry to the export and its one page-only field', () => {
    const entry = declared.get('PageEntry')!;
    // the contract's timeline entry (render/json.ts contractEntry): packet, ts, relTs, from, phase, summary
    const contract = ['packet', 'ts', 'relTs', 'from', 'phase', 'summary'];
    expect(entry.filter((f) => !contract.includes(f))).toEqual(['bare']);
  });
});
