# One bot per container: the container runs `meetbot join` once and exits with the bot.
#
# Build:  docker build -t meetbot .
# Run:    docker run --rm --init --security-opt seccomp=<profile allowing user namespaces> \
#           -e BOT_CONFIG='{"meeting_url":"https://meet.google.com/abc-defg-hij"}' -v "$PWD/out:/out" meetbot
# Kubernetes: deploy/kubernetes-job.yaml (resources, grace period, /dev/shm, BOT_CONFIG from a Secret).
#
# Config: the Create Bot body in BOT_CONFIG (or `--config -` on stdin); runtime settings from MEETBOT_*
# variables (docs/configuration.md, "Runtime settings"). Secrets (passcodes in the body, MEETBOT_WEBHOOK_SECRET) are
# redacted from every log, event and file.
# Exit codes: 0 done, 1 fatal (sub_code in the last event on stdout and in /out/events.jsonl; evidence in
# /out/failure/), 2 invalid config or usage (the message names each field; no browser was started).
FROM node:24-bookworm-slim

WORKDIR /app
# The very same install step as `npm run demo` on a developer machine: scripts/setup.sh reads
# scripts/debian-packages.txt (Chromium, ffmpeg, Xvfb, PulseAudio, fonts, ...) and runs `npm ci`. (`npm test` adds
# --tests for the test-only list, Postgres for the service's tests, which the image never needs.)
COPY package.json package-lock.json ./
COPY scripts/setup.sh scripts/debian-packages.txt scripts/
RUN bash scripts/setup.sh && rm -rf /var/lib/apt/lists/*

# Only what the runtime needs: the bench, the tests and the mock meetings stay out of the image (and need not
# exist to build it). The base image's Node is the project's own (package.json engines; a test keeps them equal).
COPY tsconfig.json ./
COPY bin bin
COPY src src
COPY platforms platforms
# The Job template `meetbot serve --launcher kubernetes` builds each bot's Job from (docs/api.md).
COPY deploy deploy
RUN npm run build && npm prune --omit=dev

# Chromium keeps its sandbox on: it runs as this unprivileged user (meetbot adds --no-sandbox only as root).
# Its sandbox needs user namespaces, which Docker's and containerd's default seccomp profiles refuse
# (unshare/clone with CLONE_NEWUSER): run with a seccomp profile that allows them (or Kubernetes'
# seccompProfile Unconfined, see deploy/), on a host that permits unprivileged user namespaces. Without
# them Chromium exits at launch ("No usable sandbox") and the bot ends fatal.
RUN useradd --create-home --uid 10001 meetbot && mkdir -p /out && chown meetbot /out
USER meetbot
ENV CHROMIUM_PATH=/usr/bin/chromium \
    FFMPEG_PATH=/usr/bin/ffmpeg \
    MEETBOT_OUT_DIR=/out \
    NODE_ENV=production \
    NODE_OPTIONS=--max-semi-space-size=1
# Shared memory: Chromium and PulseAudio use memfd (and Chromium runs with --disable-dev-shm-usage), so Docker's
# 64 MiB /dev/shm is enough; memfd counts against the container's memory, which is what the limits are for.
# /tmp holds each bot's Chromium profile and PulseAudio sockets (a few hundred MB at most).
VOLUME ["/out"]
# SIGTERM (docker stop, pod deletion) makes the bot leave, finalise its recording and exit within 10 s:
# give the container a stop grace period of at least 15 s. `--init` (Docker) or shareProcessNamespace
# (Kubernetes) puts a reaper at PID 1 for the Chromium helpers that outlive their parent by a moment.
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "/app/bin/meetbot.js", "join"]
