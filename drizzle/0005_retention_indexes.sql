CREATE INDEX `idx_health_at` ON `health_data_points` (`at`);--> statement-breakpoint
CREATE INDEX `idx_jobs_finished_at` ON `job_runs` (`finished_at`);--> statement-breakpoint
CREATE INDEX `idx_intakes_taken_at` ON `supplement_intakes` (`taken_at`);