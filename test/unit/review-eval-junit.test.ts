import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { xmlAttr, xmlText } from '../../src/eval/report-junit.js';

// Review of gurusup eval (issue 14): a hostile reply in the JUnit file. XML 1.0 allows DEL, the
// C1 controls (U+009B is a terminal's CSI) and the bidi overrides, so they used to pass through
// raw: a `cat eval.xml` in a CI log acted on them, and a CI page showed reordered text.
const HOSTILE = 'a\u009b31m b\u007f c\u0085 d\u202eevil\u202c e\u2066x\u2069 \u001b[2J é ✓ 日本 😀 \u00a0nbsp';

describe('JUnit escaping', () => {
  it('C1, DEL and bidi overrides are shown as \\u escapes; other text is kept; the file parses', () => {
    const t = xmlText(HOSTILE);
    expect(t).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u);
    expect(t).toBe(
      'a\\u009b31m b\\u007f c\\u0085 d\\u202eevil\\u202c e\\u2066x\\u2069 \\u001b[2J é ✓ 日本 😀 \u00a0nbsp',
    );
    const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<t a="${xmlAttr(HOSTILE)}">${t}</t>\n`;
    expect(XMLValidator.validate(xml)).toBe(true);
    const back = new XMLParser({ ignoreAttributes: false, processEntities: true }).parse(xml) as {
      t: { '#text': string; '@_a': string };
    };
    expect(back.t['@_a']).toBe(t);
  });
});
