// npm run bench [-- name ...]: runs the named benchmarks (all by default); exits 1 if a target is missed.
const ALL = [
  'startup',
  'pty',
  'list',
  'filter',
  'proxy',
  'listener',
  'peers',
  'record',
  'show',
  'export',
  'eval',
  'sandbox',
  'mcp',
];
const names = process.argv.slice(2).length ? process.argv.slice(2) : ALL;
let failed = 0;
for (const name of names) {
  if (!ALL.includes(name)) {
    console.error(`unknown benchmark ${name}; choose from: ${ALL.join(', ')}`);
    process.exit(2);
  }
  console.log(`\n== ${name} ==`);
  const mod = await import(`./${name}.mjs`);
  if (!(await mod.run())) failed++;
}
console.log(failed ? `\n${failed} benchmark(s) missed a target` : '\nall targets met');
process.exitCode = failed ? 1 : 0;
