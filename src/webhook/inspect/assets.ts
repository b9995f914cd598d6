import { readFile } from 'node:fs/promises';

export interface PageAssets {
  html: string;
  js: string;
  css: string;
}

/**
 * The page, built by build.mjs from ./page/. In dist/inspect.cjs this module is replaced by the
 * built files themselves (build.mjs), so the installed CLI reads nothing at run time; from source
 * (tests run in process) they are read from dist/inspect/, which the test setup builds.
 */
export async function pageAssets(): Promise<PageAssets> {
  const dir = new URL('../../../dist/inspect/', import.meta.url);
  const [html, js, css] = await Promise.all(
    ['index.html', 'page.js', 'page.css'].map((f) => readFile(new URL(f, dir), 'utf8')),
  );
  return { html: html!, js: js!, css: css! };
}
