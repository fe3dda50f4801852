CREATE INDEX `idx_audit_actor_at` ON `audit_log` (`actor`,`at`);--> statement-breakpoint
CREATE INDEX `idx_audit_action_at` ON `audit_log` (`action`,`at`);