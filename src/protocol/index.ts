/**
 * protocol: the runner ⇄ server contract (GitLab's runner API shapes). Types and validators only.
 * Imports shared and pipeline; never executor, runner or server.
 */
export * from './job-payload.js';
export * from './runner-connection.js';
