"""The bottom of the portal: what every app shares and nothing else.

Rule errors, the API's conventions, reading ids from requests, and the one way to ask whether
a user may see an initiative. Nothing here imports an app of the portal (import-linter checks
it); the initiatives app registers its visibility rules in `core.access` when Django starts.
"""
