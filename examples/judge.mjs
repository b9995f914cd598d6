#!/usr/bin/env node
// A toy judge for `gurusup eval --judge-cmd "node examples/judge.mjs"`, to show the protocol.
//
// stdin:  {"criteria": "...", "conversation": [{"role": "user"|"agent"|"assistant", "body": "..."}], "reply": "..."}
// stdout: {"pass": true|false, "reason": "..."}
//
// It passes a reply that contains every word in double quotes in the criteria (so
// `judge: 'mentions "refund" and "days"'` needs both words). A real judge would send the
// criteria, the conversation and the reply to a language model here and ask for that JSON back.
// Exit non-zero (with a line on stderr) when it cannot judge: gurusup reports the expectation as
// errored, never as passed.
let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => (input += d));
process.stdin.on('end', () => {
  let req;
  try {
    req = JSON.parse(input);
  } catch {
    console.error('judge: stdin is not JSON');
    process.exit(2);
  }
  const words = [...String(req.criteria).matchAll(/"([^"]+)"/g)].map((m) => m[1]);
  if (!words.length) {
    console.error('judge: the criteria name no "quoted" words to look for');
    process.exit(2);
  }
  const reply = String(req.reply).toLowerCase();
  const missing = words.filter((w) => !reply.includes(w.toLowerCase()));
  console.log(
    JSON.stringify(
      missing.length
        ? { pass: false, reason: `the reply never mentions ${missing.join(', ')}` }
        : { pass: true, reason: `mentions ${words.join(', ')}` },
    ),
  );
});
