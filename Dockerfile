# One image for web, worker and beat. Build: docker compose build
FROM node:20-bookworm-slim AS frontend
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY static ./static
RUN npm run --silent build

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PORTAL_ENV=production \
    MEDIA_ROOT=/data/media
# WeasyPrint's text stack and fonts (the Makefile's FONT_PACKAGES: every script people type,
# emoji too); curl for the health check.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 curl \
        fonts-liberation fonts-dejavu-core fonts-noto-core fonts-wqy-microhei fonts-noto-color-emoji \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 1000 --create-home portal \
    && mkdir -p /data/media && chown portal /data/media
WORKDIR /app
COPY requirements/base.txt requirements/base.txt
RUN pip install --no-cache-dir --require-hashes -r requirements/base.txt
COPY . .
COPY --from=frontend /build/static/build ./static/build
# collectstatic reads no secret; this throwaway key exists only in this build step.
RUN SECRET_KEY=collectstatic-only-build-step python manage.py collectstatic --noinput --verbosity 0
USER portal
EXPOSE 8000
CMD ["gunicorn", "cmr_portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--access-logfile", "-", "--forwarded-allow-ips", "*"]
