"""Browser tests: real headless Chromium against a live server, through whole journeys that
cross every app (intake, review, design inputs, dashboard), so they do not mirror one module."""
