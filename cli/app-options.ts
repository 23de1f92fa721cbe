/** What an API entry point gives createApp: what it opened itself, and the rest from the configuration. */
import type { AppDeps } from '../api/deps';
import type { Config } from '../platform/config';
import { version } from '../platform/log';

export function appOptions(cfg: Config, opened: Pick<AppDeps, 'prisma' | 'temporal' | 'consoleDir' | 'jwtSecret' | 'auditKey'>): AppDeps {
  return {
    ...opened,
    version: version(cfg.root),
    taskQueue: cfg.temporal.taskQueue,
    tokenTtl: cfg.auth.tokenTtl,
    callerCacheMs: cfg.auth.callerCacheMs,
    attachmentDir: cfg.attachments.dir,
    attachmentMaxBytes: cfg.attachments.maxBytes,
    open311RateLimit: cfg.open311RateLimit,
  };
}
