-- What drizzle-kit cannot emit for the document tables (lib/db/schema/documents.ts, usage.ts).
-- Cosine HNSW for semantic search; GIN over the generated tsvector for keyword search.
CREATE INDEX IF NOT EXISTS document_chunks_embedding_hnsw ON document_chunks USING hnsw (embedding vector_cosine_ops);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS document_chunks_tsv_gin ON document_chunks USING gin (tsv);
--> statement-breakpoint
-- Startup sweep (lib/documents/requeue.ts): documents whose pipeline event may have been lost. Crosses tenants,
-- so it is a named SECURITY DEFINER lookup returning only ids; all work on each document then happens in its
-- own tenant transaction.
CREATE OR REPLACE FUNCTION reflex_stuck_documents(p_queued_before timestamptz, p_processing_before timestamptz, p_limit integer)
RETURNS TABLE (tenant_id uuid, document_id uuid)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT d.tenant_id, d.id FROM documents d
  WHERE (d.status = 'queued' AND d.updated_at <= p_queued_before)
     OR (d.status = 'processing' AND d.updated_at <= p_processing_before)
  ORDER BY d.updated_at
  LIMIT p_limit
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION reflex_stuck_documents(timestamptz, timestamptz, integer) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION reflex_stuck_documents(timestamptz, timestamptz, integer) TO app_auth, app_user;
