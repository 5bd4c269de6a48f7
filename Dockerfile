FROM python:3.11-slim
WORKDIR /app
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
COPY pyproject.toml README.md ./
COPY claims ./claims
COPY api ./api
COPY migrations ./migrations
COPY seeds ./seeds
RUN pip install --no-cache-dir -e .
RUN useradd --system --uid 10001 claims
USER claims
EXPOSE 8000
CMD ["claims", "serve"]
