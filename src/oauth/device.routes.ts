// GET /device, the verification_uri of the device flow (RFC 8628 §3.3): a short address to type, which
// leads to the authorization server's code form, keeping the user_code of verification_uri_complete.
import type { FastifyInstance } from 'fastify';

type DeviceQuery = { Querystring: { user_code?: unknown } };

/** A user code as people type it (letters, digits, dashes, spaces); anything else is dropped. */
function cleanUserCode(value: unknown): string | null {
  return typeof value === 'string' && /^[A-Za-z0-9 -]{1,32}$/.test(value) ? value : null;
}

export default async function deviceRoutes(app: FastifyInstance): Promise<void> {
  app.get<DeviceQuery>('/device', { schema: { hide: true } }, async (request, reply) => {
    const userCode = cleanUserCode(request.query.user_code);
    reply.header('Cache-Control', 'no-store');
    return reply.redirect(userCode ? `/oauth2/device?user_code=${encodeURIComponent(userCode)}` : '/oauth2/device', 303);
  });
}
