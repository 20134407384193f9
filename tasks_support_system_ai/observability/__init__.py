"""Operating the service: Prometheus metrics, structured logs with request ids, Sentry.

Nothing here imports FastAPI: the API, the job worker and the CLI all use it.
"""
