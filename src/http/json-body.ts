// Sends a JSON body given as chunks of text (src/shared/json-chunks.ts) with its Content-Length, as one
// response with the headers a serialised body gets. Each chunk is encoded once into a buffer of its own
// size (strings would be encoded together into one buffer sized for the worst case, three bytes a
// character, that is a megabyte for a page of 500 contacts).
import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import type { JsonChunks } from '../shared/json-chunks.ts';

export function sendJsonChunks(reply: FastifyReply, chunks: JsonChunks): FastifyReply {
  reply.type('application/json; charset=utf-8');
  if (chunks.length === 1) return reply.send(chunks[0]);
  const buffers = chunks.map((chunk) => Buffer.from(chunk));
  let length = 0;
  for (const buffer of buffers) length += buffer.length;
  return reply.header('content-length', length).send(Readable.from(buffers));
}
