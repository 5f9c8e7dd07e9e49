-- Keyword search over chunk text AND document title (lib/search/retrieve.ts). document_chunks.tsv is generated from
-- document_chunks.document_title, a copy of documents.title kept by the two triggers below (a generated column cannot
-- read another table). Both triggers are SECURITY INVOKER: they run under the caller's role and RLS.
CREATE OR REPLACE FUNCTION reflex_chunk_document_title() RETURNS trigger
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
BEGIN
  SELECT d.title INTO NEW.document_title FROM documents d WHERE d.tenant_id = NEW.tenant_id AND d.id = NEW.document_id;
  NEW.document_title := coalesce(NEW.document_title, '');
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER document_chunks_document_title BEFORE INSERT OR UPDATE OF document_id ON document_chunks
FOR EACH ROW EXECUTE FUNCTION reflex_chunk_document_title();
--> statement-breakpoint
-- A rename rewrites the document's chunks, so title matches follow the new title at once.
CREATE OR REPLACE FUNCTION reflex_document_title_to_chunks() RETURNS trigger
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
BEGIN
  UPDATE document_chunks SET document_title = NEW.title WHERE tenant_id = NEW.tenant_id AND document_id = NEW.id;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER documents_title_to_chunks AFTER UPDATE OF title ON documents
FOR EACH ROW WHEN (OLD.title IS DISTINCT FROM NEW.title) EXECUTE FUNCTION reflex_document_title_to_chunks();
--> statement-breakpoint
UPDATE document_chunks c SET document_title = d.title FROM documents d WHERE d.tenant_id = c.tenant_id AND d.id = c.document_id;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS document_chunks_tsv_gin ON document_chunks USING gin (tsv);
--> statement-breakpoint
-- Keyword candidates of the CURRENT tenant, at most p_cap, in no particular order. Why SECURITY DEFINER: under RLS
-- PostgreSQL will not use `tsv @@ query` as an index condition, because ts_match_vq is not LEAKPROOF and a
-- non-leakproof user condition may only run after the policy's; the GIN index then goes unused and every one of the
-- tenant's chunks is matched one by one. As the migration owner (which bypasses RLS) the function filters by the
-- tenant itself, from the same transaction-local setting as the policy (document_chunks_tenant_isolation); without
-- the setting it returns nothing (fails closed, like the policy). It returns ids only; callers read the rows back
-- under RLS. Executable by app_user only.
CREATE OR REPLACE FUNCTION reflex_keyword_candidates(p_query tsquery, p_cap integer, p_document_ids uuid[])
RETURNS TABLE (id uuid)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_tenant uuid := nullif(current_setting('app.tenant_id', true), '')::uuid;
BEGIN
  IF v_tenant IS NULL THEN
    RETURN;
  END IF;
  -- EXECUTE plans with the actual values (the tenant and the query), so the planner sees how many of the tenant's
  -- rows match and picks the GIN index or an early-stopping scan accordingly; a cached generic plan could not.
  RETURN QUERY EXECUTE
    'SELECT c.id FROM document_chunks c
     WHERE c.tenant_id = $4 AND c.tsv @@ $1 AND ($3::uuid[] IS NULL OR c.document_id = ANY ($3))
     LIMIT $2'
  USING p_query, p_cap, p_document_ids, v_tenant;
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION reflex_keyword_candidates(tsquery, integer, uuid[]) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION reflex_keyword_candidates(tsquery, integer, uuid[]) TO app_user;
