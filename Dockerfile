# The production image: one image for web, worker and beat, in two stages. The first
# builds the virtual environment with uv (no development dependencies); the final one
# holds that environment and the application code only: .dockerignore leaves out the
# sandbox, tests, benchmarks and docs (scripts/check_image_files.py checks it in CI).
FROM python:3.11-slim-bookworm AS build

ENV UV_PROJECT_ENVIRONMENT=/opt/venv UV_PYTHON_DOWNLOADS=never UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy
RUN pip install --no-cache-dir "uv==0.13.9"
WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project

# The same base image, so the environment's interpreter links resolve.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PATH="/opt/venv/bin:$PATH" \
    PATCHBAY_VAR_DIR=/var/lib/patchbay
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY . .
# collectstatic needs production settings (hashed file names) but no real services.
RUN PATCHBAY_ENV=production DJANGO_SECRET_KEY=collectstatic-only PATCHBAY_ENCRYPTION_KEYS=unused \
    DATABASE_URL=sqlite:////tmp/unused.sqlite3 REDIS_URL=redis://unused:6379/0 \
    python manage.py collectstatic --noinput \
    && useradd --system --home /app patchbay && mkdir -p /var/lib/patchbay \
    && chown -R patchbay /var/lib/patchbay
USER patchbay
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
