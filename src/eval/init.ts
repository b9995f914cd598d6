/** `gurusup eval init`: a commented starter suite, or suites made from recorded threads. */
import { isObject } from '../output/format.js';
import { senderOf, threadCustomer } from '../model/sender.js';

export const DEFAULT_SUITE_FILE = 'gurusup.eval.yaml';

export const STARTER_SUITE = `# A gurusup eval suite: regression tests for your organization's AI replies.
#
#   gurusup eval ${DEFAULT_SUITE_FILE}             run it (exit 0 when every case passes)
#   gurusup eval ${DEFAULT_SUITE_FILE} --junit eval.xml --report eval.md
#
# Each case runs on a fresh thread (eval-<case>-<run-id>); its turns are sent in order and every
# reply is checked against the turn's expect: list. Expectations look at the reply's body unless
# they say otherwise:
#   contains, icontains (ignoring case), equals, regex ("/…/i" form allowed),
#   contains_any / contains_all (lists), min_length / max_length (characters),
#   latency_ms (the reply came within it), field: {name, equals | contains | regex},
#   no_reply: true (no automatic reply), judge: "what a good reply does" (needs --judge-cmd).
# Put not- before a text expectation to negate it: not-icontains: "sorry".
# The cases below pass against the local sandbox (gurusup sandbox); edit them for your AI.

name: starter
user: gurusup-eval          # user_fid of every message sent
lang: en                    # language of every message, unless a case or turn says otherwise

cases:
  - name: refund policy
    turns:
      - send: "Hi, I want a refund for my order"
        expect:
          - icontains: "refund"
          - contains_any: ["business days", "working days"]
          - not-icontains: "I don't know"
          - max_length: 600
          - latency_ms: 30000

  - name: password reset in Spanish
    lang: es
    turns:
      - send: "He olvidado mi contraseña"
        expect:
          - regex: "/contraseña/i"
          - min_length: 20
      - send: "Gracias"
        expect:
          - icontains: "de nada"

  - name: an agent message gets no automatic reply
    turns:
      - send: "Hi, this is Ana from the support team"
        agent: true
        expect:
          - no_reply: true
`;

export interface ThreadCase {
  name: string;
  lang?: string;
  turns: Array<{ send: string; reference?: string; expect: Array<Record<string, unknown>> }>;
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/**
 * A recorded thread as a case: its customer messages become the turns, the reply recorded after
 * each one its `reference`, with `min_length: 1` to start from. Undefined when it has no
 * customer message.
 */
export function caseFromThread(fid: string, thread: unknown): ThreadCase | undefined {
  const t = isObject(thread) ? thread : {};
  const messages = Array.isArray(t.messages) ? t.messages.filter(isObject) : [];
  const turns: ThreadCase['turns'] = [];
  let lang: string | undefined = text(t.lang);
  const customer = threadCustomer(t, messages);
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    if (senderOf(m, customer) !== 'customer') continue;
    const body = text(m.body);
    if (!body) continue;
    lang ??= text(m.lang);
    const next = messages[i + 1];
    const reference = next && senderOf(next, customer) !== 'customer' ? text(next.body) : undefined;
    turns.push({ send: body, ...(reference !== undefined ? { reference } : {}), expect: [{ min_length: 1 }] });
  }
  if (!turns.length) return undefined;
  const subject = text(t.subject);
  return { name: subject ? `${fid}: ${subject}` : fid, ...(lang ? { lang } : {}), turns };
}

export function suiteFromThreads(y: typeof import('../vendor/yaml.js'), cases: ThreadCase[], fids: string[]): string {
  // A thread id is the API's text: one with a line break must not end the comment and write YAML.
  const shown = fids.map((f) =>
    /^[\w.:@/+-]+$/.test(f)
      ? f
      : JSON.stringify(f).replace(
          /[\u0085\u2028\u2029]/g,
          (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
        ),
  );
  const head = `# Made by: gurusup eval init --from-thread ${shown.join(' ')}
# Each thread is a case: its customer messages are the turns, and the reply recorded in the
# thread is kept as reference: (shown beside the new reply when the case fails).
# min_length: 1 only checks that a reply came: sharpen the expectations (icontains, regex,
# not-contains, judge…; see gurusup eval --help) so a bad answer fails.
`;
  return `${head}\n${y.stringify({ name: 'from-threads', user: 'gurusup-eval', cases }, { lineWidth: 0 })}`;
}
