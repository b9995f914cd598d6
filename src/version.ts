declare const __GURUSUP_VERSION__: string | undefined;

/** Set by build.mjs (and vitest's define) from package.json. */
export const VERSION: string = typeof __GURUSUP_VERSION__ === 'string' ? __GURUSUP_VERSION__ : '0.0.0-dev';
export const USER_AGENT = `gurusup-cli/${VERSION}`;
