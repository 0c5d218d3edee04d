"""The errors a service raises when a rule refuses a change.

Pages show the message as it is (beside the field when the error names one); the API turns
them into its error document (`core.api`): a rule → 400, a stale version → 412, a transition
the workflow does not allow → 409.
"""


class RuleError(Exception):
    """A rule refused the change; the message is shown to the user as it is.

    `field_errors` ({field: [messages]}) names the fields concerned, for forms and the API.
    """

    field_errors: dict[str, list[str]] = {}


class FieldRuleError(RuleError):
    """A rule refused one input; `field` says which, so forms and the API show it there."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.field_errors = {field: [message]}


class StaleEdit(RuleError):
    """The object changed since the form or API call read it."""


class TransitionNotAllowed(RuleError):
    """The workflow does not allow this move from the object's current state."""
