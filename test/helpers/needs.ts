/**
 * What a test needs from the machine (a tool, a device, root and mount(8)). A skipped test cannot
 * fail, so none is skipped: when it is missing, the test fails saying what to install.
 * `.ci/run` installs every one of them.
 */
export function needs(missing: string | false | undefined): void {
  if (missing) throw new Error(`missing on this machine: ${missing}`);
}
