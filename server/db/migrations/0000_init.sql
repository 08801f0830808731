CREATE TABLE `api_keys` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`role` text NOT NULL,
	`source` text,
	`scope` text NOT NULL,
	`hash` text NOT NULL,
	`created_at` integer NOT NULL,
	`revoked_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_hash` ON `api_keys` (`hash`);--> statement-breakpoint
CREATE TABLE `case_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`case_id` integer NOT NULL,
	`action` text NOT NULL,
	`from_state` text,
	`to_state` text NOT NULL,
	`level` text NOT NULL,
	`actor` text NOT NULL,
	`at` integer NOT NULL,
	`reason` text,
	`data` text
);
--> statement-breakpoint
CREATE INDEX `case_events_case` ON `case_events` (`case_id`);--> statement-breakpoint
CREATE TABLE `cases` (
	`id` integer PRIMARY KEY NOT NULL,
	`external_id` text,
	`source` text NOT NULL,
	`matter` text NOT NULL,
	`grid` text NOT NULL,
	`special` text,
	`lon` real NOT NULL,
	`lat` real NOT NULL,
	`address` text,
	`description` text NOT NULL,
	`reporter_name` text,
	`reporter_phone` text,
	`media_url` text,
	`state` text NOT NULL,
	`level` text NOT NULL,
	`light` text NOT NULL,
	`department` text,
	`deadline` integer,
	`reported_at` integer NOT NULL,
	`registered_at` integer,
	`dispatched_at` integer,
	`handled_at` integer,
	`closed_at` integer,
	`reworks` integer DEFAULT 0 NOT NULL,
	`returns` integer DEFAULT 0 NOT NULL,
	`extensions` integer DEFAULT 0 NOT NULL,
	`supervised` integer DEFAULT false NOT NULL,
	`forced` integer DEFAULT false NOT NULL,
	`rating` text,
	`contacted` integer DEFAULT false NOT NULL,
	`resolved` integer DEFAULT false NOT NULL,
	`updated_at` integer NOT NULL,
	`last_event_id` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `cases_external` ON `cases` (`external_id`);--> statement-breakpoint
CREATE INDEX `cases_grid` ON `cases` (`grid`);--> statement-breakpoint
CREATE INDEX `cases_state` ON `cases` (`state`);--> statement-breakpoint
CREATE INDEX `cases_reported` ON `cases` (`reported_at`);--> statement-breakpoint
CREATE INDEX `cases_matter` ON `cases` (`matter`);--> statement-breakpoint
CREATE INDEX `cases_department` ON `cases` (`department`);--> statement-breakpoint
CREATE TABLE `departments` (
	`code` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `grids` (
	`code` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`level` integer NOT NULL,
	`parent` text,
	`kind` text,
	`geometry` text NOT NULL,
	`lon` real NOT NULL,
	`lat` real NOT NULL,
	`area` real NOT NULL
);
--> statement-breakpoint
CREATE INDEX `grids_level` ON `grids` (`level`);--> statement-breakpoint
CREATE INDEX `grids_parent` ON `grids` (`parent`);--> statement-breakpoint
CREATE TABLE `idempotency` (
	`key` text PRIMARY KEY NOT NULL,
	`body_hash` text NOT NULL,
	`status` integer NOT NULL,
	`response` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `matters` (
	`code` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL,
	`big_class` text NOT NULL,
	`big_class_name` text NOT NULL,
	`small_class` text NOT NULL,
	`small_class_name` text NOT NULL,
	`department` text NOT NULL,
	`limit_kind` text NOT NULL,
	`limit_value` integer NOT NULL,
	`settle_level` text NOT NULL,
	`keywords` text DEFAULT '' NOT NULL,
	`attributes` text,
	FOREIGN KEY (`department`) REFERENCES `departments`(`code`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `metric_checkpoints` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`last_event_id` integer NOT NULL,
	`created_at` integer NOT NULL,
	`state` blob NOT NULL
);
--> statement-breakpoint
CREATE TABLE `staff` (
	`id` integer PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`phone` text NOT NULL,
	`role` text NOT NULL,
	`grid` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `staff_grid` ON `staff` (`grid`);