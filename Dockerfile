# syntax=docker/dockerfile:1
# SpendWise: one image for every role. The command picks it (spendwise/ops/entrypoint.py):
#   web (default) | migrate | run-scheduled | manage <command>
# Runs as a non-root user on a read-only root filesystem; only /tmp must be writable
# (ECS: readonlyRootFilesystem + a task volume on /tmp; docker: --read-only --tmpfs /tmp).

ARG PYTHON_IMAGE=python:3.11.11-slim-bookworm
ARG NODE_IMAGE=node:20.18.1-bookworm-slim

# --- browser libraries from the npm registry (package-lock.json) ------------------------------
FROM ${NODE_IMAGE} AS assets
WORKDIR /src
COPY package.json package-lock.json ./
COPY scripts/build-assets scripts/build-assets
RUN scripts/build-assets

# --- Python dependencies, hash-pinned, into a virtualenv that the final stage copies ---------
FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/venv
COPY requirements/base.lock /tmp/base.lock
RUN /opt/venv/bin/pip install --require-hashes --no-deps -r /tmp/base.lock
WORKDIR /app
COPY manage.py ./
COPY spendwise spendwise
COPY --from=assets /src/spendwise/static/vendor spendwise/static/vendor
# Hashed static file names (whitenoise serves them with a one-year immutable Cache-Control).
RUN DEBUG=false SECRET_KEY=collectstatic-only-not-a-real-key-0123456789 STATIC_MANIFEST=true \
    /opt/venv/bin/python manage.py collectstatic --noinput \
    && /opt/venv/bin/python -m compileall -q spendwise

# --- runtime: no compilers, no package caches, no root -----------------------------------------
FROM ${PYTHON_IMAGE} AS runtime
ARG SPENDWISE_UID=10001
RUN groupadd --system --gid "${SPENDWISE_UID}" spendwise \
    && useradd --system --uid "${SPENDWISE_UID}" --gid spendwise --home-dir /nonexistent \
       --no-create-home --shell /usr/sbin/nologin spendwise
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=spendwise.settings \
    STATIC_MANIFEST=true \
    BIND=0.0.0.0:8000 \
    TMPDIR=/tmp
WORKDIR /app
COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app
USER ${SPENDWISE_UID}:${SPENDWISE_UID}
EXPOSE 8000
STOPSIGNAL SIGTERM
ENTRYPOINT ["python", "-m", "spendwise.ops.entrypoint"]
CMD ["web"]
