// Type augmentation only: route schemas may carry OpenAPI fields (`hide`, `tags`, `summary`).
import type {} from '@fastify/swagger';
