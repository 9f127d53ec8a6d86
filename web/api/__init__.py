"""The JSON API under /api/v1."""

API_PREFIX = "/api/v1"
