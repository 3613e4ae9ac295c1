# One bot per container. Build: docker build -t meetbot .
# Run:   docker run --rm --shm-size=1g -e BOT_CONFIG='{"meeting_url":"https://meet.google.com/abc-defg-hij"}' \
#          -v "$PWD/out:/out" meetbot
# Exit codes: 0 done, 1 fatal (sub_code in the last event on stdout and in /out/events.jsonl), 2 invalid config.
FROM node:20-bookworm-slim

WORKDIR /app
# The very same install step as `npm test` / `npm run demo` on a developer machine: scripts/setup.sh reads
# scripts/debian-packages.txt (Chromium, ffmpeg, Xvfb, PulseAudio, fonts, ...) and runs `npm ci`.
COPY package.json package-lock.json ./
COPY scripts/setup.sh scripts/debian-packages.txt scripts/
RUN bash scripts/setup.sh && rm -rf /var/lib/apt/lists/*

COPY tsconfig.json ./
COPY bin bin
COPY src src
COPY platforms platforms
COPY fixtures fixtures
COPY scripts scripts
COPY bench bench
RUN npm run build && npm prune --omit=dev

# Chromium keeps its sandbox on: it runs as this unprivileged user (meetbot adds --no-sandbox only as root).
# The sandbox needs unprivileged user namespaces (the default on Debian/Ubuntu hosts and in Kubernetes with
# the runtime's default seccomp profile).
RUN useradd --create-home --uid 10001 meetbot && mkdir -p /out && chown meetbot /out
USER meetbot
ENV CHROMIUM_PATH=/usr/bin/chromium \
    FFMPEG_PATH=/usr/bin/ffmpeg \
    MEETBOT_OUT_DIR=/out \
    NODE_ENV=production
# Chromium's renderers use /dev/shm; Docker's 64 MiB default is too small for a meeting page
# (run with --shm-size=1g, or a memory-backed emptyDir at /dev/shm in Kubernetes).
VOLUME ["/out"]
# SIGTERM (docker stop, pod deletion) makes the bot leave, finalise its recording and exit within 10 s:
# give the container a stop grace period of at least 15 s.
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "/app/bin/meetbot.js", "join"]
