DROP INDEX `idx_claims_daily_dim_key_day`;--> statement-breakpoint
ALTER TABLE `claims_daily` ADD `min_submitted_at` integer;--> statement-breakpoint
ALTER TABLE `claims_daily` ADD `max_submitted_at` integer;--> statement-breakpoint
CREATE INDEX `idx_claims_daily_dim_key_day` ON `claims_daily` (`dim`,`key`,`day`,`claims`,`submitted`,`pending`,`approved`,`denied`,`paid`,`appealed`,`billed_cents`,`paid_cents`,`denied_cents`);--> statement-breakpoint
CREATE INDEX `idx_claims_provider_billed` ON `claims` (`provider_id`,`billed_cents`,`id`);