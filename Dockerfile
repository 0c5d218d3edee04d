# Harmony Portal production image: one image for web (gunicorn), Celery worker and Celery beat.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=harmony_portal.settings \
    DEBUG=False \
    LOG_FORMAT=json \
    STATICFILES_BACKEND=whitenoise.storage.CompressedManifestStaticFilesStorage

WORKDIR /app
RUN groupadd --system --gid 10001 harmony \
 && useradd --system --uid 10001 --gid harmony --home-dir /app --shell /usr/sbin/nologin harmony

# GNU gettext compiles the German catalogue at build time (see README "Languages").
RUN apt-get update -qq \
 && apt-get install -y -qq --no-install-recommends gettext \
 && rm -rf /var/lib/apt/lists/*

# Dependencies first, so a code change does not reinstall them.
COPY pyproject.toml README.md ./
RUN pip install .

COPY . .
# Hashed, compressed static files are part of the image; whitenoise serves them.
# The build needs no database or broker: these values only let settings load.
RUN SECRET_KEY=collectstatic-only-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz \
    ALLOWED_HOSTS=localhost CELERY_BROKER_URL=redis://localhost:6379/0 \
    python manage.py collectstatic --noinput \
 && SECRET_KEY=compilemessages-only-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz \
    ALLOWED_HOSTS=localhost CELERY_BROKER_URL=redis://localhost:6379/0 \
    python manage.py compilemessages -l de -i '.venv*' \
 && rm -rf db.sqlite3 var .env \
 && mkdir -p /app/var && chown harmony:harmony /app/var

USER harmony
EXPOSE 8000
# gunicorn.conf.py reads PORT, WEB_CONCURRENCY, GUNICORN_THREADS, GUNICORN_TIMEOUT.
CMD ["gunicorn", "harmony_portal.wsgi:application"]
