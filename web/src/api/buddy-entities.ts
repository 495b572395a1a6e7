/** Buddy pipeline ("definition") and execution shapes (shared/spec/buddy-api.md §4, §6). */

export interface BuddyPipeline {
  url?: string;
  html_url?: string;
  id: number;
  identifier?: string;
  name: string;
  last_execution_status?: string;
  last_execution_revision?: string | null;
  create_date?: string;
  refs?: string[];
  events?: { type: string; refs?: string[]; cron?: string }[];
  disabled?: boolean;
  paused?: boolean;
  [field: string]: unknown;
}

export interface BuddyExecution {
  url?: string;
  html_url?: string;
  /** Runnel extension: the GitLab run this execution is (its run page is the UI's execution view). */
  gitlab_pipeline_id?: number;
  id: number;
  status: string;
  start_date: string | null;
  finish_date: string | null;
  triggeredOn?: string;
  priority?: string;
  comment?: string | null;
  refresh?: boolean;
  clear_cache?: boolean;
  branch?: { name: string } | null;
  tag?: { name: string } | null;
  to_revision?: { revision: string; message?: string } | null;
  creator?: { name: string } | null;
}

export interface BuddyExecutionPage {
  page?: number;
  total_page_count?: number;
  total_element_count?: number;
  executions: BuddyExecution[];
}
