# notesbot: the Slack bot, its model (exported to ONNX) and the shipped notes' index in one image.
#   docker build -t notesbot .                      # Docker 23+ (BuildKit)
#   podman build --format docker -t notesbot .      # or buildah build --format docker: keeps HEALTHCHECK
#   docker run -p 3000:3000 -e SLACK_BOT_TOKEN -e SLACK_SIGNING_SECRET notesbot    # HTTP mode
#   docker run -e SLACK_BOT_TOKEN -e SLACK_APP_TOKEN notesbot                        # Socket Mode
# Behind a package mirror or a TLS-inspecting proxy: build arguments and secrets below,
# docs/deploy.md. Your own notes, the re-index cron, Kubernetes: docs/deploy.md.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# --------------------------------------------------------------------------- build
# The runtime venv (onnxruntime, no torch) and, in a venv of its own left behind
# in this stage, torch (CPU) and sentence-transformers to export the model once.
FROM ${PYTHON_IMAGE} AS build
# Where pip takes packages from (all optional). Build arguments show in the
# image's history: credentials belong in the `pipconf` secret, not here.
ARG PIP_INDEX_URL
ARG PIP_EXTRA_INDEX_URL
ARG PIP_TRUSTED_HOST
ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    HF_HUB_OFFLINE=1 \
    NOTESBOT_MODEL_CACHE=/models
WORKDIR /src
COPY pyproject.toml README.md ./
COPY scripts/install.sh scripts/
COPY index/ index/
COPY bot/ bot/
# Secrets (optional): `pipconf`, a pip.conf (index URLs with credentials ...),
# and `ca`, a PEM bundle for pip to trust. pip's own error is shown as it is.
# The runtime needs neither pip nor the packages' own test suites (numpy's: 15 MB).
RUN --mount=type=secret,id=pipconf,target=/etc/pip.conf \
    --mount=type=secret,id=ca,target=/run/secrets/ca.pem \
    if [ -s /run/secrets/ca.pem ]; then export PIP_CERT=/run/secrets/ca.pem; fi \
    && ./scripts/install.sh /opt/venv "" \
    && /opt/venv/bin/python -m pip uninstall --yes --quiet pip setuptools \
    && find /opt/venv -depth -type d -name tests -exec rm -rf {} +
RUN --mount=type=secret,id=pipconf,target=/etc/pip.conf \
    --mount=type=secret,id=ca,target=/run/secrets/ca.pem \
    if [ -s /run/secrets/ca.pem ]; then export PIP_CERT=/run/secrets/ca.pem; fi \
    && ./scripts/install.sh /opt/export export \
    && /opt/export/bin/notesbot model

# --------------------------------------------------------------------------- runtime
FROM ${PYTHON_IMAGE}
# git and ssh: `scripts/reindex --pull/--clone` on a team's notes repository.
# Without perl's library (47 MB): Debian's git depends on perl for commands the
# re-index never runs (send-email, svn ...); clone and pull are git's own.
# hadolint ignore=DL3008
RUN printf 'path-exclude %s\n' '/usr/share/perl/*' '/usr/lib/*/perl/*' \
        > /etc/dpkg/dpkg.cfg.d/notesbot-no-perl-library \
    && apt-get update \
    && apt-get install -y --no-install-recommends git openssh-client \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --uid 10001 --user-group --create-home --shell /usr/sbin/nologin notesbot \
    && install -d -o notesbot -g notesbot /app /app/data /data
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HF_HUB_OFFLINE=1 \
    NOTESBOT_CORPUS=/app/corpus \
    NOTESBOT_INDEX=/app/data/index \
    NOTESBOT_MODEL_CACHE=/app/models \
    NOTESBOT_FEEDBACK_FILE=/data/feedback.jsonl \
    NOTESBOT_THREAD_DB=/data/threads.sqlite3 \
    NOTESBOT_PORT=3000
WORKDIR /app
COPY --from=build /opt/venv /opt/venv
COPY --from=build --chown=10001:10001 /models /app/models
COPY corpus/ corpus/
COPY scripts/reindex scripts/
USER 10001:10001
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
# The shipped notes are indexed here, by the runtime itself (no torch) with the
# model exported in the build stage: a container downloads and builds nothing
# at start. The question checks the result.
RUN notesbot index --quiet \
    && notesbot ask "what replaces service-loadbalancer?" | grep -q ingress
EXPOSE 3000
# /healthz answers in both modes (Socket Mode serves it on NOTESBOT_PORT too).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('NOTESBOT_PORT', '3000'), timeout=4)"]
CMD ["notesbot", "serve"]
