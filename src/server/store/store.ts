import type { Kysely } from 'kysely';
import type { Database, DialectName, SqliteReader } from './database.js';
import type { Tables } from './tables.js';
import { createUsersRepository } from './users-repository.js';
import { createTokensRepository } from './tokens-repository.js';
import { createWorkspacesRepository } from './workspaces-repository.js';
import { createProjectsRepository } from './projects-repository.js';
import { createPushEventsRepository } from './push-events-repository.js';
import { createDefinitionsRepository } from './definitions-repository.js';
import { createRunsRepository } from './runs-repository.js';
import { createJobsRepository } from './jobs-repository.js';
import { createArtifactsRepository } from './artifacts-repository.js';
import { createRunnersRepository } from './runners-repository.js';
import { gitlabApiRepositories } from './gitlab-api-repositories.js';
import { buddyApiRepositories } from './buddy-api-repositories.js';

function repositories(db: Kysely<Tables>, dialect: DialectName, reader: SqliteReader | null = null) {
  return {
    dialect,
    users: createUsersRepository(db),
    tokens: createTokensRepository(db),
    workspaces: createWorkspacesRepository(db),
    projects: createProjectsRepository(db),
    pushEvents: createPushEventsRepository(db),
    definitions: createDefinitionsRepository(db),
    runs: createRunsRepository(db, dialect),
    jobs: createJobsRepository(db, dialect),
    artifacts: createArtifactsRepository(db),
    runners: createRunnersRepository(db),
    ...gitlabApiRepositories(db, reader),
    ...buddyApiRepositories(db),
  };
}

export type Repositories = ReturnType<typeof repositories>;

/**
 * The store: one small repository per aggregate, and `transaction(fn)` giving the same
 * repositories bound to one transaction. Nothing outside server/store writes SQL. Outside
 * transactions the hottest reads may use the database's read-only connection (database.ts).
 */
export interface Store extends Repositories {
  transaction<T>(fn: (tx: Repositories) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export function createStore(database: Database): Store {
  return {
    ...repositories(database.db, database.dialect, database.reader),
    transaction: (fn) => database.db.transaction().execute((trx) => fn(repositories(trx, database.dialect))),
    close: () => database.close(),
  };
}
