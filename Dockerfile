# One image for api, worker and cron (docker-compose.yml picks the command).
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY server ./server
RUN pip install --no-cache-dir .
RUN useradd --create-home thrice
USER thrice
ENV THRICE_INSTANCE_PATH=/home/thrice/instance
EXPOSE 5000
CMD ["thrice", "serve", "--host", "0.0.0.0", "--port", "5000"]
