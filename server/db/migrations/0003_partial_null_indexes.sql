DROP INDEX `cases_external`;--> statement-breakpoint
DROP INDEX `cases_department`;--> statement-breakpoint
CREATE UNIQUE INDEX `cases_external` ON `cases` (`external_id`) WHERE "cases"."external_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `cases_department` ON `cases` (`department`) WHERE "cases"."department" IS NOT NULL;