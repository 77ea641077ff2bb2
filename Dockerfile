# Listgate in a container: the same `listgate serve` as on a plain machine, on Node.js 24.
# Build: docker build -t listgate .   Run with PostgreSQL and Redis: docker compose up (compose.yaml).
FROM node:24-bookworm-slim

ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/var/lib/listgate

WORKDIR /opt/listgate
COPY package.json package-lock.json ./
# The image's Node.js is 24 already: the pinned `node` devDependency is not needed here.
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY tsconfig.json ./
COPY bin ./bin
COPY src ./src
# The same install of the command as in README.md.
RUN ln -sf /opt/listgate/bin/listgate.js /usr/local/bin/listgate \
    && mkdir -p /var/lib/listgate \
    && chown node:node /var/lib/listgate

USER node
VOLUME ["/var/lib/listgate"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s \
  CMD ["node", "-e", "fetch('http://127.0.0.1:3000/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["listgate"]
CMD ["serve"]
