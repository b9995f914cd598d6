import type { Handler } from './types.js';
import { EXIT, AuthError, CliError, InterruptedError, NetworkError, UsageError, withContext } from '../errors.js';
import { maskKey, tsvRow } from '../output/format.js';
import { promptHidden, readAll } from '../output/prompt.js';
import { checkProfileName, normalizeBaseUrl, resolveSettings } from '../config/settings.js';

/** As declared in auth.ts. */
export interface LoginOptions {
  withKey?: boolean;
  skipCheck?: boolean;
}

export const login: Handler<LoginOptions> = async (ctx, _args, opts) => {
  const { io, out } = ctx;
  let key: string;
  if (opts.withKey) {
    key = (await readAll(io.stdin)).trim();
    if (!key) throw new UsageError('no key on stdin', 'pipe it in: echo "$KEY" | gurusup auth login --with-key');
  } else if (ctx.term.canPrompt) {
    out.info(
      'Paste your API key (Gurusup dashboard → Settings → Integrations: https://app.gurusup.com/settings/integrations)',
    );
    key = (await promptHidden(io, 'API key: ')).trim();
    if (!key) throw new UsageError('no key entered');
  } else {
    throw new UsageError(
      ctx.term.noPromptReason('the key'),
      'pass the key on stdin with --with-key: echo "$KEY" | gurusup auth login --with-key',
    );
  }
  // A header cannot carry control or non-ASCII characters: such a key would fail every command later.
  if (/\s/.test(key)) throw new UsageError('the key contains whitespace; paste only the key');
  if (/[^\x21-\x7e]/.test(key))
    throw new UsageError(
      'the key contains a control or non-ASCII character; paste only the key',
      'copy the key again from https://app.gurusup.com/settings/integrations',
    );
  ctx.redactor.add(key);

  const ks = await ctx.keystore();
  // The same choice every command makes (--profile, GURUSUP_PROFILE, the active one, default);
  // a named profile that does not exist yet is created.
  const { name } = await ctx.profile();
  const existing = ks.profile(name);
  const baseUrl = ctx.globals.baseUrl ? normalizeBaseUrl(ctx.globals.baseUrl, '--base-url') : undefined;
  // The key stored now is being replaced: a broken one must not stand in the way.
  const s = resolveSettings(
    ctx.globals,
    { ...io.env, GURUSUP_API_KEY: undefined },
    name,
    existing && { ...existing, api_key: undefined },
  );

  if (!opts.skipCheck) {
    const client = await ctx.client(s, { apiKey: key });
    try {
      await out.during(`Checking the key with ${s.baseUrl}`, () => client.listThreads());
    } catch (err) {
      if (err instanceof AuthError)
        throw withContext(err, {
          message: `the API rejected this key (${err.status ?? 401}); nothing was saved`,
          hint: 'copy the key again from https://app.gurusup.com/settings/integrations',
        });
      if (err instanceof NetworkError)
        throw withContext(err, {
          message: `${err.message}; nothing was saved`,
          hint: 'check --base-url, or save without checking: --skip-check',
        });
      if (err instanceof CliError && !(err instanceof InterruptedError))
        throw withContext(err, { message: `${err.message}; nothing was saved` });
      throw err;
    }
  }
  await ks.setProfile(name, { ...existing, api_key: key, ...(baseUrl ? { base_url: baseUrl } : {}) }, true);
  out.info(`Logged in: profile ${name} (key ${maskKey(key)}, ${s.baseUrl}) is now active.`);
  if (io.env.GURUSUP_API_KEY)
    out.warn('GURUSUP_API_KEY is set in the environment and takes precedence over the saved key');
  return EXIT.OK;
};

type Check = 'valid' | 'invalid' | 'unreachable' | 'error' | 'missing';

export const status: Handler = async (ctx) => {
  const { io, out } = ctx;
  const ks = await ctx.keystore();
  const stored = ks.profiles();
  const active = ks.active();
  const s = await ctx.settings();
  // Nothing stored and no key in the environment: not logged in, and no made-up profile row.
  if (Object.keys(stored).length === 0 && !s.apiKey) {
    if (out.json) out.printJson({ config_file: ks.file, selected: s.profileName, check: 'missing', profiles: [] });
    else if (out.human) out.humanLine(out.t`Not logged in (no profile in ${ks.file}).`);
    throw new AuthError('not logged in', { hint: "run 'gurusup auth login', or set GURUSUP_API_KEY" });
  }
  const names = [...new Set([...Object.keys(stored), s.profileName])].sort();
  const rows = names.map((name) => {
    const p = stored[name];
    const selected = name === s.profileName;
    // Another profile's key as stored: a hand-edited one may not even be a string.
    const storedKey = typeof p?.api_key === 'string' && p.api_key ? p.api_key : undefined;
    const key = selected ? s.apiKey : storedKey;
    const source = selected ? (s.keySource ?? null) : storedKey ? 'config' : null;
    // Another profile's broken setting must not hide the status of all the others.
    let otherUrl: string;
    try {
      otherUrl = resolveSettings(ctx.globals, io.env, name, p).baseUrl;
    } catch {
      otherUrl = String(p?.base_url ?? '');
    }
    // Another profile's password is a secret too: Output hides it, in every output mode.
    ctx.redactor.addUrl(otherUrl);
    return {
      name,
      active: name === (active ?? 'default'),
      selected,
      key: key ? maskKey(key) : null,
      source,
      base_url: selected ? s.baseUrl : otherUrl,
    };
  });

  let check: Check = 'missing';
  let detail = '';
  if (s.apiKey) {
    const client = await ctx.client(s);
    try {
      await out.during(`Checking the key with ${s.baseUrl}`, () => client.listThreads());
      check = 'valid';
    } catch (err) {
      if (err instanceof AuthError) check = 'invalid';
      else if (err instanceof NetworkError) check = 'unreachable';
      else if (err instanceof InterruptedError) throw err;
      else check = 'error';
      // The API's error text can quote the key back: Output hides it.
      detail = err instanceof Error ? err.message : String(err);
    }
  }

  if (out.json) {
    out.printJson({ config_file: ks.file, selected: s.profileName, check, profiles: rows });
  } else if (out.human) {
    const p = out.style;
    // out.t escapes what is put in it: names, URLs and the API's answer come from outside.
    out.humanLine(out.t`${p.bold('Config file:')} ${ks.file}`, 2);
    for (const r of rows) {
      const mark = r.selected ? p.green('*') : ' ';
      out.humanLine(out.t`${mark} ${p.bold(r.name)}${r.active ? p.dim(' (active)') : ''}`, 2);
      const source = r.source ? p.dim(` (from ${r.source})`) : '';
      out.humanLine(out.t`    key:      ${r.key ?? p.dim('none')}${source}`, 14);
      out.humanLine(out.t`    base URL: ${r.base_url}`, 14);
    }
    const shown = check === 'valid' ? p.green(check) : check === 'missing' ? p.yellow('no key') : p.red(check);
    out.humanLine(out.t`Key check (${s.profileName}): ${shown}${detail ? p.dim(` — ${detail}`) : ''}`, 2);
  } else {
    for (const r of rows) {
      out.line(
        tsvRow([r.name, r.active ? 'active' : '', r.key ?? '', r.base_url, r.source ?? '', r.selected ? check : '']),
      );
    }
  }
  if (check === 'valid') return EXIT.OK;
  if (check === 'missing') {
    out.error(new AuthError(`no API key for profile ${s.profileName}`));
    return EXIT.AUTH;
  }
  if (check === 'invalid') {
    // The same words as any command whose key is rejected (Context.explain).
    out.error(
      ctx.explain(
        new AuthError(
          `the API rejected the key of profile ${s.profileName}${s.keySource === 'env' ? ' (from GURUSUP_API_KEY)' : ''}`,
          { status: 401 },
        ),
      ),
    );
    return EXIT.AUTH;
  }
  if (check === 'unreachable') return EXIT.NETWORK;
  return EXIT.FAILURE;
};

export const logout: Handler = async (ctx) => {
  const ks = await ctx.keystore();
  const { name } = await ctx.profile({ mustExist: true });
  if (await ks.removeKey(name)) ctx.out.info(`Removed the key of profile ${name}.`);
  else ctx.out.info(`Profile ${name} has no stored key; nothing to do.`);
  if (ctx.io.env.GURUSUP_API_KEY) ctx.out.warn('GURUSUP_API_KEY is still set in the environment and will be used');
  return EXIT.OK;
};

export const switchProfile: Handler = async (ctx, args) => {
  const name = checkProfileName(String(args[0]), 'the command line');
  const ks = await ctx.keystore();
  const profiles = Object.keys(ks.profiles());
  if (!profiles.includes(name)) {
    throw new UsageError(
      `no profile named ${JSON.stringify(name)}`,
      profiles.length
        ? `stored profiles: ${profiles.join(', ')}`
        : "create one with 'gurusup auth login --profile <name>'",
    );
  }
  await ks.setActive(name);
  ctx.out.info(`Active profile: ${name}`);
  return EXIT.OK;
};

export const key: Handler = async (ctx) => {
  const s = await ctx.settings();
  // The one command that prints the key: what it is for.
  ctx.out.raw(`${ctx.requireKey(s)}\n`);
  return EXIT.OK;
};
