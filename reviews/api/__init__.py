"""REST API of the IT review, one module per resource. Every write goes through
reviews.services, as the pages do; every read through the pages' selectors.

- `queue`: the caller's review queue with its tab counts;
- `assignments`: reviewers assigned to initiatives;
- `assessments`: the concern assessments and their score history;
- `design_inputs`: findings and their lifecycle actions (generated from the transitions table);
- `vendors`: evaluation criteria, scores and the ranked comparison;
- `components`: integration components with an IT owner;
- `readiness`: what blocks "ready for build", and marking it.
"""
