# accesskey-emulator: docker build -t accesskey-emulator . && docker run --rm -p 4580:4580 accesskey-emulator
#
# Three stages on the same official Node LTS slim image (same glibc and Node ABI, so the natively
# compiled better-sqlite3 built in one stage loads in the runtime stage):
#   build      dev dependencies + TypeScript compile and the dashboard bundle (npm ci, npm run build)
#   prod-deps  production dependencies only (npm ci --omit=dev --omit=optional: no pino-pretty)
#   runtime    dist/src + production node_modules + fixtures; no sources, tests, dev deps or compilers
# test/packaging/container.smoke.ts runs this file's CMD, ENV and HEALTHCHECK without a Docker engine.
ARG NODE_IMAGE=node:24-bookworm-slim

# better-sqlite3 compiles from source when no prebuilt binary can be fetched: python3, make, g++.
# Node 24's npm 11 honours package.json "allowScripts", which approves better-sqlite3's install script.
FROM ${NODE_IMAGE} AS toolchain
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NPM_CONFIG_UPDATE_NOTIFIER=false NPM_CONFIG_FUND=false NPM_CONFIG_AUDIT=false

# tsc needs no native binaries: skip install scripts here (prod-deps runs better-sqlite3's).
FROM toolchain AS build
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM toolchain AS prod-deps
COPY package.json package-lock.json ./
# Size, as measured on the install (docs/packaging.md): better-sqlite3's sources and object files are
# ~27 MB of the ~69 MB of production packages and are deleted here, in the stage that made them (a
# later layer cannot shrink an earlier one); pino-pretty and its own dependencies (~1.5 MB, optional)
# are not installed: the image logs JSON.
RUN npm ci --omit=dev --omit=optional \
 && rm -rf node_modules/better-sqlite3/deps node_modules/better-sqlite3/src \
           node_modules/better-sqlite3/build/Release/obj node_modules/better-sqlite3/build/Release/obj.target \
           node_modules/better-sqlite3/build/Release/test_extension.node \
 && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
# The application files belong to root and are read-only for the `node` user; only /data is writable.
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist/src ./dist/src
COPY package.json ./
COPY fixtures ./fixtures
# Only /data is writable. (Deleting npm or yarn here would not shrink the image: they live in the base
# image's layers, and a deletion is one more layer.)
RUN mkdir -p /data && chown node:node /data
ENV NODE_ENV=production HOST=0.0.0.0 PORT=4580 DB_PATH=/data/emulator.sqlite LOG_FORMAT=json
USER node
EXPOSE 4580
VOLUME /data
# Reads PORT, HOST and CONTROL_TOKEN from the environment, so it follows a changed PORT; no curl needed.
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 CMD ["node", "dist/src/healthcheck.js"]
# Exec form: node is PID 1 and gets SIGTERM itself; it closes the server and the database, exit 0.
STOPSIGNAL SIGTERM
CMD ["node", "dist/src/main.js"]
