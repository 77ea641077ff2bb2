// /v3/contact_tags: list, create, read, rename and delete tags (delete answers 202 with an activity).
import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { Activity } from '../activities/activities.schemas.ts';
import { appRequester } from '../audit/requester.ts';
import { Tag, TagPage, TagParams, TagPostBody, TagPutBody, TagQuery, TagsQuery } from './tags.schemas.ts';
import type { TagsService } from './tags.service.ts';

type Params = { Params: Static<typeof TagParams> };

export default async function tagRoutes(
  app: FastifyInstance,
  opts: { tags: TagsService },
): Promise<void> {
  const { tags } = opts;
  // every route of this module needs the contact_data scope (src/api-auth/README.md)
  const config = { scope: 'contact_data' } as const;
  const doc = (operationId: string, summary: string) => ({ operationId, summary });

  app.get<{ Querystring: Static<typeof TagsQuery> }>(
    '/contact_tags',
    { config, schema: { ...doc('getAllTags', 'List tags'), querystring: TagsQuery, response: { 200: TagPage } } },
    (request) => tags.listTags(request.auth.accountId, request.query),
  );

  app.post<{ Body: Static<typeof TagPostBody> }>(
    '/contact_tags',
    { config, schema: { ...doc('postTag', 'Create a tag'), body: TagPostBody, response: { 201: Tag } } },
    async (request, reply) => reply.status(201).send(await tags.createTag(request.auth.accountId, request.body)),
  );

  app.get<Params & { Querystring: Static<typeof TagQuery> }>(
    '/contact_tags/:tag_id',
    { config, schema: { ...doc('getTag', 'Get a tag'), params: TagParams, querystring: TagQuery, response: { 200: Tag } } },
    (request) => tags.getTag(request.auth.accountId, request.params.tag_id, request.query.include_count),
  );

  app.put<Params & { Body: Static<typeof TagPutBody> }>(
    '/contact_tags/:tag_id',
    { config, schema: { ...doc('putTag', 'Rename a tag'), params: TagParams, body: TagPutBody, response: { 200: Tag } } },
    (request) => tags.renameTag(request.auth.accountId, request.params.tag_id, request.body),
  );

  app.delete<Params>(
    '/contact_tags/:tag_id',
    { config, schema: { ...doc('deleteTag', 'Delete a tag'), params: TagParams, response: { 202: Activity } } },
    async (request, reply) => reply.status(202).send(await tags.deleteTag(request.auth.accountId, request.params.tag_id, appRequester(request))),
  );
}
