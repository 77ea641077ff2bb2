// POST /v3/activities/<bulk job>: the dialect's bulk activities, each answering 201 with the new activity;
// GET /v3/contact_exports/{id} and /v3/activities/{id}/errors stream the files they produce as CSV.
import multipart from '@fastify/multipart';
import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { Activity, ActivityParams } from './activities.schemas.ts';
import { appRequester } from '../audit/requester.ts';
import type { BulkRequester, BulkService, LinkActivity } from './bulk.service.ts';
import * as schemas from './bulk.schemas.ts';
import type { ImportsService, UploadPart } from './imports.service.ts';

type Opts = { bulk: BulkService; imports: ImportsService; importMaxBytes: number };

const created = { 201: Activity };
const csv = { 200: { type: 'string', description: 'CSV (text/csv)' } };

export default async function bulkRoutes(app: FastifyInstance, opts: Opts): Promise<void> {
  const { bulk, imports } = opts;
  // every route of this module needs the contact_data scope (src/api-auth/README.md)
  const config = { scope: 'contact_data' } as const;
  const doc = (operationId: string, summary: string) => ({ operationId, summary, tags: ['Bulk Activities'] });

  // Multipart only here: the file is streamed to disk, never parsed in memory.
  await app.register(async (upload) => {
    await upload.register(multipart, { limits: { fileSize: opts.importMaxBytes, files: 1, fields: 10, fieldSize: 64 * 1024 } });
    upload.post(
      '/activities/contacts_file_import',
      { config, schema: { ...doc('createCSVImportActivity', 'Import contacts from a CSV file'), response: created } },
      async (request, reply) =>
        reply.status(201).send(await imports.importFile(request.auth.accountId, request.parts() as AsyncIterable<UploadPart>)),
    );
  });

  app.post<{ Body: Static<typeof schemas.JsonImportBody> }>(
    '/activities/contacts_json_import',
    { config, bodyLimit: 16 * 1024 * 1024, schema: { ...doc('createImportJSONActivity', 'Import contacts from JSON'), body: schemas.JsonImportBody, response: created } },
    async (request, reply) => reply.status(201).send(await imports.importJson(request.auth.accountId, request.body)),
  );

  const links: [LinkActivity, string, typeof schemas.ListsActivityBody | typeof schemas.TagsActivityBody][] = [
    ['add_list_memberships', 'createListAddActivity', schemas.ListsActivityBody],
    ['remove_list_memberships', 'createListRemoveActivity', schemas.ListsActivityBody],
    ['contacts_taggings_add', 'createTagAddContactActivity', schemas.TagsActivityBody],
    ['contacts_taggings_remove', 'createTagRemoveActivity', schemas.TagsActivityBody],
  ];
  for (const [name, operationId, body] of links) {
    app.post<{ Body: Record<string, unknown> }>(
      `/activities/${name}`,
      { config, schema: { ...doc(operationId, name.replaceAll('_', ' ')), body, response: created } },
      async (request, reply) => reply.status(201).send(await bulk.linkActivity(request.auth.accountId, name, request.body)),
    );
  }

  const simple: [string, string, typeof schemas.ExportBody | typeof schemas.ContactDeleteBody | typeof schemas.TagsDeleteBody | typeof schemas.CustomFieldsDeleteBody, keyof BulkService][] = [
    ['contact_delete', 'createDeleteActivity', schemas.ContactDeleteBody, 'deleteContacts'],
    ['contacts_tags_delete', 'createTagDeleteActivity', schemas.TagsDeleteBody, 'deleteTags'],
    ['custom_fields_delete', 'postCustomFieldDelete', schemas.CustomFieldsDeleteBody, 'deleteCustomFields'],
    ['contact_exports', 'createExportActivity', schemas.ExportBody, 'exportContacts'],
  ];
  for (const [name, operationId, body, method] of simple) {
    const run = bulk[method] as (accountId: string, body: Record<string, unknown>, by: BulkRequester) => Promise<unknown>;
    app.post<{ Body: Record<string, unknown> }>(
      `/activities/${name}`,
      { config, schema: { ...doc(operationId, name.replaceAll('_', ' ')), body, response: created } },
      async (request, reply) =>
        reply.status(201).send(
          await run(request.auth.accountId, request.body, appRequester(request)),
        ),
    );
  }

  app.get<{ Params: Static<typeof schemas.ExportParams> }>(
    '/contact_exports/:file_export_id',
    { config, schema: { ...doc('getCSVExportFile', 'Download an export (CSV)'), params: schemas.ExportParams, response: csv } },
    async (request, reply) => {
      const file = await bulk.openExport(request.auth.accountId, request.params.file_export_id);
      // A legacy v2 export of file_type TXT is tab-separated, kept as .txt.
      return reply.type(`${String(file.path).endsWith('.txt') ? 'text/tab-separated-values' : 'text/csv'}; charset=utf-8`).send(file);
    },
  );

  app.get<{ Params: Static<typeof ActivityParams> }>(
    '/activities/:activity_id/errors',
    { config, schema: { ...doc('getActivityErrors', 'Every bad row of an import (CSV)'), params: ActivityParams, response: csv } },
    async (request, reply) =>
      reply.type('text/csv; charset=utf-8').send(await bulk.rowErrorsCsv(request.auth.accountId, request.params.activity_id)),
  );
}
