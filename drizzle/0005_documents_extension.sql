-- pgvector must exist before document_chunks (0006) declares vector(384). Needs a superuser or a role allowed to
-- create it; on servers where an operator pre-created it this is a no-op.
CREATE EXTENSION IF NOT EXISTS vector;
