"""The production deployment as a whole: the Dockerfile and docker-compose.yml, `check
--deploy` and gunicorn with the production settings, the health probes, login hardening and
the security headers on every page. These test settings, middleware and files outside the
Python packages together, so they do not mirror one module."""
