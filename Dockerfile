# Production image: gunicorn serving app:server, data built at image build time.
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 APP_ENV=production PORT=8050
# chromium: kaleido draws the export charts; pango and harfbuzz: WeasyPrint (PDF briefs).
RUN apt-get update && apt-get install -y --no-install-recommends fonts-dejavu-core \
    chromium libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN python -m domain.build
EXPOSE 8050
# SECRET_KEY must be given at run time: docker run -e SECRET_KEY=... -p 8050:8050 image
CMD ["sh", "-c", "gunicorn app:server --bind 0.0.0.0:${PORT} --workers ${WEB_CONCURRENCY:-3} --no-control-socket --access-logfile -"]
