// Customer pages for lists: /account/lists (lists with member counts), one list's contacts with upload and
// download, /account/activities (recent jobs, one job's progress, its errors CSV and its export file).
// Uploads and downloads go through the same import and export services as the API, on the same runner.
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, invalidFields } from '../../errors.ts';
import { attempt, type Form } from '../../web/forms.ts';
import { sendPage } from '../../web/layout.ts';
import type { WebSessions } from '../../web/sessions.ts';
import type { AccountsService } from '../accounts/accounts.service.ts';
import type { ActivitiesService } from '../activities/activities.service.ts';
import type { BulkRequester, BulkService } from '../activities/bulk.service.ts';
import type { ImportsService, UploadPart } from '../activities/imports.service.ts';
import type { ContactPage } from '../contacts/contacts-query.service.ts';
import type { ContactsService } from '../contacts/contacts.service.ts';
import { isUuid } from '../contacts/formats.ts';
import * as views from './list-pages.views.ts';
import type { ApiList } from './lists.repository.ts';
import type { ListsService } from './lists.service.ts';

type Deps = {
  accounts: AccountsService;
  sessions: WebSessions;
  lists: ListsService;
  contacts: ContactsService;
  activities: ActivitiesService;
  imports: ImportsService;
  bulk: BulkService;
  importMaxBytes: number;
};
type ListRequest = FastifyRequest<{ Params: { listId: string } }>;
type ActivityRequest = FastifyRequest<{ Params: { activityId: string } }>;

/** The cursor of an API `next` link, as this page's own `?cursor=` link. */
function pageLink(path: string, next: string | undefined, extra: Record<string, string> = {}): string | null {
  const cursor = next ? new URL(next, 'http://x').searchParams.get('cursor') : null;
  return cursor ? `${path}?${new URLSearchParams({ ...extra, cursor })}` : null;
}

export default async function listPageRoutes(app: FastifyInstance, deps: Deps): Promise<void> {
  const { accounts, sessions, lists, contacts, activities, imports, bulk } = deps;
  const hide = { schema: { hide: true } };
  const csrf = (request: FastifyRequest, reply: FastifyReply) => sessions.csrfToken(request, reply);

  /**
   * Runs `then` with the customer's account id (and, for the audit log, the customer as the requester), or
   * sends the browser to the customer sign-in first.
   */
  async function withAccount(
    request: FastifyRequest,
    reply: FastifyReply,
    then: (accountId: string, by: BulkRequester) => Promise<unknown>,
  ) {
    const userId = await sessions.current(request, 'account');
    const user = userId ? await accounts.getUser(userId) : undefined;
    if (user) {
      const by = { actor: { type: 'customer', id: user.id, name: user.email }, origin: { ip: request.ip, userAgent: request.headers['user-agent'] ?? null } } as const;
      return then(user.account_id, by);
    }
    return reply.redirect(
      `/account/sign-in?return_to=${encodeURIComponent(request.url.split('?')[0]!)}`,
      303,
    );
  }

  /** Runs `action` on one of the account's own ids; anything else (unknown, another account's) is a 404. */
  async function owned<T>(
    reply: FastifyReply,
    id: string,
    action: () => Promise<T>,
    onOk: (value: T) => unknown,
    onError?: (error: AppError) => unknown,
  ) {
    if (!isUuid(id)) return reply.callNotFound();
    return attempt(action, onOk, (e) => (e.status === 404 || !onError ? reply.callNotFound() : onError(e)));
  }

  /** One of the account's live lists; a deleted one is gone from these pages (404). */
  async function liveList(accountId: string, listId: string): Promise<ApiList> {
    const list = await lists.getList(accountId, listId, 'all');
    if (list.deleted_at) throw new AppError('NOT_FOUND', 'Contact list not found');
    return list;
  }

  async function showList(request: ListRequest, reply: FastifyReply, accountId: string, error?: AppError) {
    const { listId } = request.params;
    const query = request.query as Form;
    const search = { email: (query.email ?? '').trim(), match: query.match === 'exact' ? 'exact' : 'prefix' };
    const filter = search.email
      ? { [search.match === 'exact' ? 'email' : 'email_prefix']: search.email }
      : {};
    const list = await liveList(accountId, listId);
    let searchError: string | undefined;
    const page = await contacts
      .listContacts(accountId, {
        lists: listId,
        limit: 50,
        ...filter,
        ...(query.cursor ? { cursor: query.cursor } : {}),
      })
      .catch((e: unknown) => {
        if (!(e instanceof AppError) || e.status !== 400) throw e;
        searchError = Object.values(e.fields)[0] ?? e.message;
        return { contacts: [] } as ContactPage;
      });
    const next = pageLink(`/account/lists/${listId}`, page._links?.next.href, search.email ? search : {});
    const options = views.listPage({
      csrf: csrf(request, reply),
      list,
      contacts: page.contacts,
      next,
      search,
      error,
      searchError,
    });
    return sendPage(reply, searchError && !error ? { ...options, status: 400 } : options);
  }

  /** The multipart parts with the CSRF token checked first (before any file is read) and the list from the URL. */
  async function* checkedParts(request: FastifyRequest, listId: string): AsyncGenerator<UploadPart> {
    let first = true;
    for await (const part of request.parts() as AsyncIterable<UploadPart>) {
      if (first) {
        first = false;
        if (part.type === 'file') part.file.resume();
        await sessions.verifyCsrfValue(
          request,
          part.type === 'field' && part.fieldname === '_csrf' ? part.value : undefined,
        );
        yield { type: 'field', fieldname: 'list_ids', value: listId };
      } else if (part.type === 'file' || part.fieldname !== 'list_ids') yield part;
    }
    if (first) await sessions.verifyCsrfValue(request, undefined);
  }

  async function startImport(request: ListRequest, accountId: string) {
    if (!request.isMultipart()) {
      await sessions.verifyCsrf(request);
      throw invalidFields({ file: 'choose a CSV file to upload' });
    }
    return imports.importFile(accountId, checkedParts(request, request.params.listId));
  }

  app.get('/account/lists', hide, (request, reply) =>
    withAccount(request, reply, async (accountId) => {
      const cursor = (request.query as Form).cursor;
      const page = await lists.listLists(accountId, {
        limit: 50,
        include_membership_count: 'all',
        ...(cursor ? { cursor } : {}),
      });
      return sendPage(
        reply,
        views.listsPage(page.lists, pageLink('/account/lists', page._links?.next?.href)),
      );
    }),
  );

  app.get('/account/lists/:listId', hide, (request: ListRequest, reply) =>
    withAccount(request, reply, (accountId) =>
      owned(
        reply,
        request.params.listId,
        () => liveList(accountId, request.params.listId),
        () => showList(request, reply, accountId),
      ),
    ),
  );

  // Multipart only here: the file is streamed to disk by the import service, never held in memory.
  await app.register(async (upload) => {
    await upload.register(multipart, {
      limits: { fileSize: deps.importMaxBytes, files: 1, fields: 10, fieldSize: 64 * 1024 },
    });
    upload.post('/account/lists/:listId/imports', hide, (request: ListRequest, reply) =>
      withAccount(request, reply, (accountId) =>
        owned(
          reply,
          request.params.listId,
          () => liveList(accountId, request.params.listId).then(() => startImport(request, accountId)),
          (activity) => reply.redirect(`/account/activities/${activity.activity_id}`, 303),
          (error) =>
            error.status === 403 ? Promise.reject(error) : showList(request, reply, accountId, error),
        ),
      ),
    );
  });

  app.post(
    '/account/lists/:listId/exports',
    { ...hide, preHandler: sessions.verifyCsrf },
    (request: ListRequest, reply) =>
      withAccount(request, reply, (accountId, by) =>
        owned(
          reply,
          request.params.listId,
          () =>
            bulk.exportContacts(
              accountId,
              { list_ids: [request.params.listId], fields: ['email', 'first_name', 'last_name', 'job_title', 'company_name'] },
              by,
            ),
          (activity) => reply.redirect(`/account/activities/${activity.activity_id}`, 303),
        ),
      ),
  );

  app.get('/account/activities', hide, (request, reply) =>
    withAccount(request, reply, async (accountId) => {
      const cursor = (request.query as Form).cursor;
      const page = await activities.listActivitiesWithKind(accountId, { limit: 25, ...(cursor ? { cursor } : {}) });
      return sendPage(reply, views.activitiesPage(page.activities, page.next ? `/account/activities?${new URLSearchParams({ cursor: page.next })}` : null));
    }),
  );

  app.get('/account/activities/:activityId', hide, (request: ActivityRequest, reply) =>
    withAccount(request, reply, (accountId) =>
      owned(
        reply,
        request.params.activityId,
        () => activities.getActivityWithKind(accountId, request.params.activityId),
        (a) => sendPage(reply, views.activityPage(a)),
      ),
    ),
  );

  app.get('/account/activities/:activityId/errors.csv', hide, (request: ActivityRequest, reply) =>
    withAccount(request, reply, (accountId) =>
      owned(
        reply,
        request.params.activityId,
        () => bulk.rowErrorsCsv(accountId, request.params.activityId),
        (csv) =>
          reply
            .type('text/csv; charset=utf-8')
            .header('Content-Disposition', 'attachment; filename="errors.csv"')
            .send(csv),
      ),
    ),
  );

  app.get('/account/activities/:activityId/download', hide, (request: ActivityRequest, reply) =>
    withAccount(request, reply, (accountId) =>
      owned(
        reply,
        request.params.activityId,
        () => bulk.openExport(accountId, request.params.activityId),
        (file) => {
          // A legacy v2 export of file_type TXT is tab-separated, kept as .txt.
          const txt = String(file.path).endsWith('.txt');
          return reply
            .type(`${txt ? 'text/tab-separated-values' : 'text/csv'}; charset=utf-8`)
            .header('Content-Disposition', `attachment; filename="contacts.${txt ? 'txt' : 'csv'}"`)
            .send(file);
        },
      ),
    ),
  );
}
