// GET /v3/activities and GET /v3/activities/{activity_id}: the status of an account's bulk jobs.
import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ActivityListQuery, ActivityPage, ActivityParams, Activity } from './activities.schemas.ts';
import type { ActivitiesService } from './activities.service.ts';

export default async function activityRoutes(
  app: FastifyInstance,
  opts: { activities: ActivitiesService },
): Promise<void> {
  const { activities } = opts;
  // every route of this module needs the contact_data scope (src/api-auth/README.md)
  const config = { scope: 'contact_data' } as const;

  app.get<{ Querystring: Static<typeof ActivityListQuery> }>(
    '/activities',
    {
      config,
      schema: { operationId: 'getAllActivities', summary: 'List activities', querystring: ActivityListQuery, response: { 200: ActivityPage } },
    },
    (request) => activities.listActivities(request.auth.accountId, request.query),
  );

  app.get<{ Params: Static<typeof ActivityParams> }>(
    '/activities/:activity_id',
    {
      config,
      schema: { operationId: 'getActivityById', summary: 'Get an activity status report', params: ActivityParams, response: { 200: Activity } },
    },
    (request) => activities.getActivity(request.auth.accountId, request.params.activity_id),
  );
}
