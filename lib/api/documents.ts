import { listDocumentsQuery } from '@/lib/documents/documents';
import { documentDetailSchema, documentSummarySchema } from '@/lib/documents/views';
import { defineOperation } from '@/lib/http/operation';
import { pageSchema } from '@/lib/http/pagination';
import { idParams } from './common';

// POST takes application/json ({title?, text}, up to 2 MB) or multipart/form-data (file + optional title; text,
// Markdown, PDF, WAV/MP3/M4A/WebM, up to 10/50/200 MB by plan). The body is read by the handler, not declared
// here, because the wrapper only parses JSON. A duplicate (same SHA-256 in this organization) answers 409 with
// error.details.documentId naming the existing document.
export const uploadDocumentOp = defineOperation({
  id: 'uploadDocument',
  method: 'POST',
  path: '/api/v1/documents',
  summary: 'Upload a document (JSON text or a multipart file) and queue it for processing',
  tag: 'documents',
  auth: 'tenant',
  permission: 'documents:write',
  status: 202,
  response: documentSummarySchema,
});

export const listDocumentsOp = defineOperation({
  id: 'listDocuments',
  method: 'GET',
  path: '/api/v1/documents',
  summary: 'List documents, newest first, optionally by status',
  tag: 'documents',
  auth: 'tenant',
  permission: 'documents:read',
  query: listDocumentsQuery,
  response: pageSchema(documentSummarySchema),
});

export const getDocumentOp = defineOperation({
  id: 'getDocument',
  method: 'GET',
  path: '/api/v1/documents/{id}',
  summary: 'A document with its text or transcript, results and per-step status, provider, latency and cost',
  tag: 'documents',
  auth: 'tenant',
  permission: 'documents:read',
  params: idParams,
  response: documentDetailSchema,
});

export const deleteDocumentOp = defineOperation({
  id: 'deleteDocument',
  method: 'DELETE',
  path: '/api/v1/documents/{id}',
  summary: 'Delete a document, its chunks and its file',
  tag: 'documents',
  auth: 'tenant',
  permission: 'documents:write',
  params: idParams,
});

export const retryDocumentOp = defineOperation({
  id: 'retryDocument',
  method: 'POST',
  path: '/api/v1/documents/{id}/retry',
  summary: 'Resume a failed, cancelled or waiting document from the step that did not finish',
  tag: 'documents',
  auth: 'tenant',
  permission: 'documents:write',
  params: idParams,
  status: 202,
  response: documentSummarySchema,
});

export const cancelDocumentOp = defineOperation({
  id: 'cancelDocument',
  method: 'POST',
  path: '/api/v1/documents/{id}/cancel',
  summary: 'Cancel processing; the pipeline stops at its next step',
  tag: 'documents',
  auth: 'tenant',
  permission: 'documents:write',
  params: idParams,
  response: documentSummarySchema,
});
