// The inspector (`webhook listen --inspect`): bundled apart as dist/inspect.cjs (build.mjs) and
// loaded only when --inspect is given, so the listener's start-up never pays for it.
export { startInspector, type Inspector, type InspectorOptions } from './server.js';
export type { Delivery, Entry } from './store.js';
