// /v2/activities: the legacy bulk calls (addcontacts, removefromlists, clearlists, exportcontacts), each
// answering 201 with the new activity, and the activities read back (a bare array, or one by id).
import multipart from '@fastify/multipart';
import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { appRequester } from '../audit/requester.ts';
import type { V2ActivitiesService } from './v2-activities.service.ts';
import { MAX_UPLOAD_BYTES } from './v2-activity-upload.ts';
import { ActivitiesQuery, ApiKeyQuery, IdParams, V2Activity, V2BulkBody } from './v2.schemas.ts';

const security = [{ oauth2: ['contact_data'], api_key_query: [] }];
type Call = 'addContacts' | 'removeFromLists' | 'clearLists' | 'exportContacts';
const UPLOADS = { addContacts: true, removeFromLists: true };
const FORM_TYPES = ['application/json', 'multipart/form-data'];
const CALLS: [path: string, call: Call, operationId: string, summary: string][] = [
  ['addcontacts', 'addContacts', 'v2AddContactsActivity', 'Add or update contacts and add them to lists (v2)'],
  ['removefromlists', 'removeFromLists', 'v2RemoveFromListsActivity', 'Remove contacts, by email address, from lists (v2)'],
  ['clearlists', 'clearLists', 'v2ClearListsActivity', 'Remove every member of lists (v2)'],
  ['exportcontacts', 'exportContacts', 'v2ExportContactsActivity', 'Export the members of lists as CSV (v2)'],
];

export default async function v2ActivityRoutes(app: FastifyInstance, opts: { activities: V2ActivitiesService }) {
  const { activities } = opts;
  const config = { scope: 'contact_data' } as const;
  const doc = (operationId: string, summary: string) => ({ operationId, summary, tags: ['Legacy v2'], security });

  const route = (scope: FastifyInstance, [path, call, operationId, summary]: (typeof CALLS)[number], form: boolean) =>
    scope.post<{ Body: unknown }>(
      `/activities/${path}`,
      { config, bodyLimit: 16 * 1024 * 1024, schema: { ...doc(operationId, summary), ...(form ? { consumes: FORM_TYPES } : {}), querystring: ApiKeyQuery, body: V2BulkBody, response: { 201: V2Activity } } },
      async (request, reply) => {
        const { accountId } = request.auth;
        // an export is kept in the audit log with the app that asked for it
        const created = call === 'exportContacts' ? activities.exportContacts(accountId, request.body, appRequester(request)) : activities[call](accountId, request.body, form && request.isMultipart());
        return reply.status(201).send(await created);
      },
    );
  for (const entry of CALLS.filter(([, call]) => !(call in UPLOADS))) route(app, entry, false);
  // addcontacts and removefromlists also take the multipart form (file_name, lists, data): the file is small
  // (4 MB at most, as v2 had it) and is read into memory whole, as a part or as a plain field.
  await app.register(async (upload) => {
    await upload.register(multipart, { attachFieldsToBody: 'keyValues', limits: { fileSize: MAX_UPLOAD_BYTES, fieldSize: MAX_UPLOAD_BYTES + 1, files: 1, fields: 10 } });
    for (const entry of CALLS.filter(([, call]) => call in UPLOADS)) route(upload, entry, true);
  });

  app.get<{ Querystring: Static<typeof ActivitiesQuery> }>(
    '/activities',
    { config, schema: { ...doc('v2GetActivities', 'List bulk activities (v2, a bare array)'), querystring: ActivitiesQuery, response: { 200: Type.Array(V2Activity) } } },
    (request) => activities.listActivities(request.auth.accountId, request.query),
  );

  app.get<{ Params: Static<typeof IdParams> }>(
    '/activities/:id',
    { config, schema: { ...doc('v2GetActivity', 'Get a bulk activity with its errors (v2)'), params: IdParams, querystring: ApiKeyQuery, response: { 200: V2Activity } } },
    (request) => activities.getActivity(request.auth.accountId, request.params.id),
  );
}
