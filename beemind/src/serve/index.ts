/**
 * The model server's public entry points: serve() starts it, createServer() builds it without listening (for
 * embedding or tests), resolveServeConfig() reads its settings, ApiKeys manages its keys. See docs/serve.md.
 */
export {
  serve,
  createServer,
  CALLER_HEADER,
  VERSION_HEADER,
  SELECTED_BY_HEADER,
  type ServeOptions,
  type RunningServer,
  type ServerParts,
} from './server.js';
export {
  resolveServeConfig,
  SERVE_DEFAULTS,
  SERVE_ENVIRONMENT,
  type ServeConfig,
  type ServeSettings,
} from './config.js';
export { parseSplit, parseSplits, type TrafficSplit, type SplitShare } from './split.js';
export { ApiKeys, type ApiKey, type CreatedApiKey, type CreateApiKeyOptions } from '../store/api_keys.js';
export { monitor, MonitoringReport, type MonitorOptions, type MonitoringData } from './monitor.js';
