-- Custom SQL migration file, put your code below! --
-- The job that deleted old job runs became the retention of every table (server/services/retention):
-- its past runs keep counting as its last run for the schedule and the health checks.
UPDATE `job_runs` SET `task` = 'retention' WHERE `task` = 'jobs.retention';
