import type { BuddyEngineHooks } from '../../engine/index.js';

declare module '../deps.js' {
  interface HttpDeps {
    /**
     * The Buddy hooks the engine was made with (one secret key for engine and API). Optional:
     * without it the Buddy routes make their own, keeping the variables key in the database.
     */
    buddy?: BuddyEngineHooks;
  }
}

export {};
