"""Governance, one sub-package per domain the users see:

- `decisions`: the decision log and change control of the AI itself;
- `sessions`: standing IT working sessions, their calendars and reminders;
- `notifications`: the in-app bell, e-mail delivered exactly once, digests and nudges;
- `risk`: each initiative's computed risk status and readiness per concern;
- `dashboard`: the executive readiness dashboard (reads only, across all of the above).

Each holds its own models, services, selectors, views, API, URLs and template tags; they are
one Django app (`governance`) because they share its tables and migrations.
"""
