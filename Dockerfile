# Debian 12: its postgresql-client is 15, the version of the postgres service (pg_dump, psql).
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN apt-get update && apt-get install -y --no-install-recommends gettext postgresql-client && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
RUN pip install --no-cache-dir .
COPY . .
RUN DJANGO_DEBUG=true python manage.py compilemessages --ignore=.venv -v0 \
 && DJANGO_DEBUG=false SECRET_KEY=build ALLOWED_HOSTS=build python manage.py collectstatic --noinput -v0
# /backups is the backup service's volume: a new volume takes this folder's owner.
RUN useradd --system --home /app tod && chown -R tod /app && mkdir -m 700 /backups && chown tod /backups
USER tod
EXPOSE 8000
CMD ["gunicorn", "tod.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "2"]
