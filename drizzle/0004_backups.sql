CREATE TABLE `backups` (
	`id` integer PRIMARY KEY NOT NULL,
	`file_name` text NOT NULL,
	`path` text NOT NULL,
	`started_at` integer NOT NULL,
	`finished_at` integer NOT NULL,
	`size_bytes` integer,
	`duration_ms` integer NOT NULL,
	`sha256` text,
	`integrity` text,
	`encrypted` integer NOT NULL,
	`status` text NOT NULL,
	`error` text,
	CONSTRAINT "ck_backups_status" CHECK("backups"."status" IN ('verified','failed'))
);
--> statement-breakpoint
CREATE INDEX `idx_backups_status_finished` ON `backups` (`status`,`finished_at`);