/**
 * runner: the agent that takes jobs and runs them — capacity, poll loop, lease renewal,
 * cancellation — over a RunnerConnection (HTTP for remote runners, direct calls when embedded).
 * Imports shared, pipeline, protocol and executor; never server.
 */
export { createRunner, type Runner, type RunnerOptions } from './runner.js';
export { createHttpConnection, type HttpConnectionOptions } from './http-connection.js';
