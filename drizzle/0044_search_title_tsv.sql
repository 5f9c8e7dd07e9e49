ALTER TABLE "document_chunks" ADD COLUMN "document_title" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "document_chunks" drop column "tsv";--> statement-breakpoint
ALTER TABLE "document_chunks" ADD COLUMN "tsv" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector('english', "document_title"), 'C') || setweight(to_tsvector('english', "text"), 'D')) STORED;
