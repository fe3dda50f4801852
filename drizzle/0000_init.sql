CREATE TABLE `api_keys` (
	`id` integer PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`prefix` text NOT NULL,
	`key_hash` text NOT NULL,
	`role` text NOT NULL,
	`user_id` integer,
	`created_at` integer DEFAULT (CAST(unixepoch('subsec') * 1000 AS INTEGER)) NOT NULL,
	`last_used_at` integer,
	`revoked_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "ck_api_keys_role" CHECK("api_keys"."role" IN ('viewer','operator','admin'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `uq_api_keys_hash` ON `api_keys` (`key_hash`);--> statement-breakpoint
CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY NOT NULL,
	`at` integer NOT NULL,
	`actor` text NOT NULL,
	`action` text NOT NULL,
	`target` text,
	`detail` text
);
--> statement-breakpoint
CREATE INDEX `idx_audit_at` ON `audit_log` (`at`);--> statement-breakpoint
CREATE TABLE `claims` (
	`id` integer PRIMARY KEY NOT NULL,
	`source` text NOT NULL,
	`source_id` text NOT NULL,
	`provider_id` integer NOT NULL,
	`payer` text NOT NULL,
	`patient_ref` text NOT NULL,
	`cpt_code` text NOT NULL,
	`date_of_service` text NOT NULL,
	`submitted_at` integer NOT NULL,
	`status` text NOT NULL,
	`denial_reason` text,
	`billed_cents` integer NOT NULL,
	`paid_cents` integer DEFAULT 0 NOT NULL,
	`created_at` integer DEFAULT (CAST(unixepoch('subsec') * 1000 AS INTEGER)) NOT NULL,
	`updated_at` integer DEFAULT (CAST(unixepoch('subsec') * 1000 AS INTEGER)) NOT NULL,
	FOREIGN KEY (`provider_id`) REFERENCES `providers`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "ck_claims_status" CHECK("claims"."status" IN ('submitted','pending','approved','denied','paid','appealed')),
	CONSTRAINT "ck_claims_amounts" CHECK("claims"."billed_cents" >= 0 AND "claims"."paid_cents" >= 0),
	CONSTRAINT "ck_claims_denial" CHECK(("claims"."status" = 'denied') = ("claims"."denial_reason" IS NOT NULL))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `uq_claims_source` ON `claims` (`source`,`source_id`);--> statement-breakpoint
CREATE INDEX `idx_claims_date` ON `claims` (`date_of_service`,`id`);--> statement-breakpoint
CREATE INDEX `idx_claims_billed` ON `claims` (`billed_cents`,`id`);--> statement-breakpoint
CREATE INDEX `idx_claims_submitted` ON `claims` (`submitted_at`,`id`);--> statement-breakpoint
CREATE INDEX `idx_claims_status_date` ON `claims` (`status`,`date_of_service`,`id`);--> statement-breakpoint
CREATE INDEX `idx_claims_provider_date` ON `claims` (`provider_id`,`date_of_service`,`id`);--> statement-breakpoint
CREATE INDEX `idx_claims_payer_date` ON `claims` (`payer`,`date_of_service`,`id`);--> statement-breakpoint
CREATE INDEX `idx_claims_denial_date` ON `claims` (`denial_reason`,`date_of_service`,`id`) WHERE denial_reason IS NOT NULL;--> statement-breakpoint
CREATE TABLE `claims_daily` (
	`dim` text NOT NULL,
	`day` text NOT NULL,
	`key` text NOT NULL,
	`claims` integer DEFAULT 0 NOT NULL,
	`submitted` integer DEFAULT 0 NOT NULL,
	`pending` integer DEFAULT 0 NOT NULL,
	`approved` integer DEFAULT 0 NOT NULL,
	`denied` integer DEFAULT 0 NOT NULL,
	`paid` integer DEFAULT 0 NOT NULL,
	`appealed` integer DEFAULT 0 NOT NULL,
	`billed_cents` integer DEFAULT 0 NOT NULL,
	`paid_cents` integer DEFAULT 0 NOT NULL,
	`denied_cents` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `idx_claims_daily_dim_day_key` ON `claims_daily` (`dim`,`day`,`key`);--> statement-breakpoint
CREATE INDEX `idx_claims_daily_dim_key_day` ON `claims_daily` (`dim`,`key`,`day`);--> statement-breakpoint
CREATE TABLE `correlations` (
	`id` integer PRIMARY KEY NOT NULL,
	`person_id` integer NOT NULL,
	`supplement_id` text NOT NULL,
	`metric` text NOT NULL,
	`lag_days` integer NOT NULL,
	`n` integer NOT NULL,
	`pearson_r` real,
	`spearman_rho` real,
	`p_value` real,
	`q_value` real,
	`ci_low` real,
	`ci_high` real,
	`effect` real,
	`computed_at` integer NOT NULL,
	FOREIGN KEY (`person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`supplement_id`) REFERENCES `supplements`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `idx_correlations_person_supplement_metric_lag` ON `correlations` (`person_id`,`supplement_id`,`metric`,`lag_days`);--> statement-breakpoint
CREATE INDEX `idx_correlations_q` ON `correlations` (`q_value`);--> statement-breakpoint
CREATE TABLE `data_sources` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`rows_ingested` integer DEFAULT 0 NOT NULL,
	`last_ingest_at` integer
);
--> statement-breakpoint
CREATE TABLE `health_daily` (
	`person_id` integer NOT NULL,
	`metric` text NOT NULL,
	`day` text NOT NULL,
	`count` integer NOT NULL,
	`sum` real NOT NULL,
	`min` real NOT NULL,
	`max` real NOT NULL,
	FOREIGN KEY (`person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `idx_health_daily_person_metric_day` ON `health_daily` (`person_id`,`metric`,`day`);--> statement-breakpoint
CREATE TABLE `health_data_points` (
	`id` integer PRIMARY KEY NOT NULL,
	`person_id` integer NOT NULL,
	`metric` text NOT NULL,
	`at` integer NOT NULL,
	`value` real NOT NULL,
	`source` text NOT NULL,
	FOREIGN KEY (`person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `idx_health_person_metric_at` ON `health_data_points` (`person_id`,`metric`,`at`,`source`);--> statement-breakpoint
CREATE TABLE `insights` (
	`id` integer PRIMARY KEY NOT NULL,
	`person_id` integer NOT NULL,
	`correlation_id` integer NOT NULL,
	`text` text NOT NULL,
	`confidence` real NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`correlation_id`) REFERENCES `correlations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `idx_insights_person_confidence` ON `insights` (`person_id`,`confidence`);--> statement-breakpoint
CREATE INDEX `idx_insights_correlation` ON `insights` (`correlation_id`);--> statement-breakpoint
CREATE TABLE `job_runs` (
	`id` integer PRIMARY KEY NOT NULL,
	`task` text NOT NULL,
	`payload` text,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`max_attempts` integer DEFAULT 3 NOT NULL,
	`run_after` integer NOT NULL,
	`queued_at` integer NOT NULL,
	`started_at` integer,
	`finished_at` integer,
	`duration_ms` real,
	`error` text,
	`result` text,
	CONSTRAINT "ck_jobs_status" CHECK("job_runs"."status" IN ('queued','running','succeeded','failed'))
);
--> statement-breakpoint
CREATE INDEX `idx_jobs_status_run_after` ON `job_runs` (`status`,`run_after`);--> statement-breakpoint
CREATE INDEX `idx_jobs_queued_at` ON `job_runs` (`queued_at`);--> statement-breakpoint
CREATE TABLE `people` (
	`id` integer PRIMARY KEY NOT NULL,
	`ref` text NOT NULL,
	`created_at` integer DEFAULT (CAST(unixepoch('subsec') * 1000 AS INTEGER)) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `uq_people_ref` ON `people` (`ref`);--> statement-breakpoint
CREATE TABLE `providers` (
	`id` integer PRIMARY KEY NOT NULL,
	`npi` text NOT NULL,
	`name` text NOT NULL,
	`specialty` text NOT NULL,
	`state` text NOT NULL,
	`created_at` integer DEFAULT (CAST(unixepoch('subsec') * 1000 AS INTEGER)) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `uq_providers_npi` ON `providers` (`npi`);--> statement-breakpoint
CREATE INDEX `idx_providers_name` ON `providers` (`name`,`id`);--> statement-breakpoint
CREATE TABLE `supplement_intakes` (
	`id` integer PRIMARY KEY NOT NULL,
	`person_id` integer NOT NULL,
	`supplement_id` text NOT NULL,
	`taken_at` integer NOT NULL,
	`dose` real NOT NULL,
	`unit` text NOT NULL,
	FOREIGN KEY (`person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`supplement_id`) REFERENCES `supplements`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `idx_intakes_person_supplement_at` ON `supplement_intakes` (`person_id`,`supplement_id`,`taken_at`);--> statement-breakpoint
CREATE TABLE `supplements` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`default_unit` text NOT NULL,
	`description` text DEFAULT '' NOT NULL
);
--> statement-breakpoint
CREATE TABLE `users` (
	`id` integer PRIMARY KEY NOT NULL,
	`email` text NOT NULL,
	`password_hash` text NOT NULL,
	`role` text NOT NULL,
	`created_at` integer DEFAULT (CAST(unixepoch('subsec') * 1000 AS INTEGER)) NOT NULL,
	`disabled_at` integer,
	CONSTRAINT "ck_users_role" CHECK("users"."role" IN ('viewer','operator','admin'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `uq_users_email` ON `users` (`email`);