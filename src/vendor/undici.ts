export { request, EnvHttpProxyAgent } from 'undici';
export type { Dispatcher } from 'undici';
