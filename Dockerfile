# Production image: gunicorn with uvicorn workers serving OpenQuizz under ASGI
# (README "Serving under ASGI"); MongoDB comes from MONGODB_URI.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

COPY . .
# Build-time only values: collectstatic and compilemessages need settings to load.
RUN DJANGO_DEBUG=0 DJANGO_SECRET_KEY=build-only DJANGO_ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput --verbosity 0 \
    && python manage.py compilemessages --verbosity 0

RUN useradd --system --uid 10001 openquizz
USER openquizz
EXPOSE 8000
# Workers add up their Prometheus counters through files in this directory
# (openquizz/gunicorn_conf.py); requests are logged by the app itself
# (openquizz/access_log.py: request id, user, transaction outcome), not by gunicorn.
# ASGI: open event streams (live notices) wait in each worker's event loop, not in
# a thread each; every synchronous view runs in a thread of its own request, so
# /healthz still answers while requests wait out a failover (README "Failover").
ENV PROMETHEUS_MULTIPROC_DIR=/tmp/openquizz-metrics
CMD ["sh", "-c", "python manage.py migrate --noinput && exec gunicorn -c python:openquizz.gunicorn_conf openquizz.asgi:application --worker-class uvicorn_worker.UvicornWorker --bind 0.0.0.0:8000 --workers 3"]
