# notesbot: the Slack bot, its model and the shipped notes' index in one image.
#   docker build -t notesbot .
#   docker run -p 3000:3000 -e SLACK_BOT_TOKEN -e SLACK_SIGNING_SECRET notesbot    # HTTP mode
#   docker run -e SLACK_BOT_TOKEN -e SLACK_APP_TOKEN notesbot                        # Socket Mode
# See docs/deploy.md for your own notes, the re-index cron and Kubernetes.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# --------------------------------------------------------------------------- build
FROM ${PYTHON_IMAGE} AS build
# CPU-only torch: the default index resolves a multi-GB CUDA build.
ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY scripts/install.sh scripts/
COPY index/ index/
COPY bot/ bot/
# The one install path, as `make install` and CI run it; no extras (no dev tools).
RUN TORCH_INDEX_URL="${TORCH_INDEX_URL}" ./scripts/install.sh /opt/venv ""

# --------------------------------------------------------------------------- runtime
FROM ${PYTHON_IMAGE}
# git and ssh: `scripts/reindex --pull/--clone` on a team's notes repository.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends git openssh-client \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --uid 10001 --user-group --create-home --shell /usr/sbin/nologin notesbot \
    && install -d -o notesbot -g notesbot /app /app/data /app/models /data
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HF_HUB_OFFLINE=1 \
    NOTESBOT_CORPUS=/app/corpus \
    NOTESBOT_INDEX=/app/data/index \
    NOTESBOT_MODEL_CACHE=/app/models \
    NOTESBOT_FEEDBACK_FILE=/data/feedback.jsonl \
    NOTESBOT_PORT=3000
WORKDIR /app
COPY --from=build /opt/venv /opt/venv
COPY corpus/ corpus/
COPY scripts/reindex scripts/
USER 10001:10001
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
# The model is exported and the shipped notes indexed here, in this stage (the
# export is keyed on the model files as this stage sees them): a container
# downloads and builds nothing at start. The question checks the result.
RUN notesbot index --quiet \
    && notesbot ask "what replaces service-loadbalancer?" | grep -q ingress
EXPOSE 3000
# /healthz answers in both modes (Socket Mode serves it on NOTESBOT_PORT too).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('NOTESBOT_PORT', '3000'), timeout=4)"]
CMD ["notesbot", "serve"]
