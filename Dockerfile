# Loket: slim runtime image, non-root, `loket serve` by default.
# Build:  docker build -t loket .
# Run:    see README.md ("Running with Docker and PostgreSQL").
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY app ./app
RUN python -m venv /opt/loket \
    && /opt/loket/bin/pip install --no-cache-dir --upgrade pip \
    && /opt/loket/bin/pip install --no-cache-dir .

FROM python:3.11-slim
ENV PATH=/opt/loket/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    LOKET_VAR_DIR=/var/lib/loket \
    LOCKER_URL=file:/var/lib/loket/locker \
    DATABASE_URL=sqlite+aiosqlite:////var/lib/loket/loket.db
RUN useradd --system --uid 10001 --home-dir /var/lib/loket --create-home loket
COPY --from=build /opt/loket /opt/loket
WORKDIR /var/lib/loket
USER loket
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz').status==200 else 1)"
STOPSIGNAL SIGTERM
CMD ["loket", "serve", "--host", "0.0.0.0", "--port", "8000"]
