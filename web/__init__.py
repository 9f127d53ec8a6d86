"""The web app: JSON API under /api/v1 and the pages people use. Views only translate HTTP to
service calls and typed errors to status codes."""

from web.app import create_app

__all__ = ["create_app"]
