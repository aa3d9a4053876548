/**
 * `@kasparro/etl-plugin-sdk/testing`: what a plugin's own Jest tests use. A loopback fixture
 * server for its upstream, and the conformance kit that checks the rules the engine relies on.
 *
 * @packageDocumentation
 */
export * from './fixture-server.js';
export * from './plugin-fixture-routes.js';
export {
  runExtractorConformance,
  type ConformanceOptions,
  type RouteFixtures,
  type StartedFixtures,
} from './conformance.js';
export {
  runEngineConformance,
  type ConformanceEngine,
  type EngineConformanceOptions,
  type EngineKill,
  type EngineKillPoint,
  type EngineRunOutcome,
  type EngineSession,
} from './engine-conformance.js';
