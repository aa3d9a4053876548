import type { DynamicModule, Type } from '@nestjs/common';
import type { Environment } from '../source-config.js';
import type { RouteFixtures, StartedFixtures } from './fixtures.js';
import { startFixtureServer } from './fixture-server.js';

/** The Jest (or Vitest, Mocha) globals the kits declare their checks with. */
export interface TestGlobals {
  describe: (name: string, body: () => void) => void;
  it: (name: string, body: () => Promise<void> | void, timeout?: number) => void;
  beforeAll: (body: () => Promise<void> | void, timeout?: number) => void;
  afterAll: (body: () => Promise<void> | void, timeout?: number) => void;
}

/** The calling test file's globals; `kit` names the function in the error when there are none. */
export function testGlobals(kit: string): TestGlobals {
  const globals = globalThis as unknown as TestGlobals;
  if (typeof globals.describe !== 'function') {
    throw new Error(`${kit} must be called in a test file (describe/it globals)`);
  }
  return globals;
}

/** The name of a plugin module, for titles. */
export function moduleNameOf(module: Type | DynamicModule): string {
  return typeof module === 'function' ? module.name : module.module.name;
}

/** Starts the fixtures a kit was given: the plugin's env, and how to stop them. */
export async function startKitFixtures(
  fixtures: RouteFixtures | StartedFixtures,
): Promise<{ env: Environment; close?: () => Promise<void> }> {
  if ('routes' in fixtures) {
    const server = await startFixtureServer(fixtures.routes);
    return { env: fixtures.env(server.url), close: () => server.close() };
  }
  return fixtures.start();
}
