"""The governance app's models, kept one module per domain; Django finds them through here.

Code imports a model from its domain's module (`governance.sessions.models`), never from this
file, so that each domain keeps to its layer (see `[tool.importlinter]` in pyproject.toml).
"""

from .channels.models import ChannelDelivery, OutboundChannel  # noqa: F401
from .compliance.models import (  # noqa: F401
    EvidenceFile,
    FrameworkReference,
    Obligation,
)
from .dashboard.models import PortfolioExport  # noqa: F401
from .decisions.models import (  # noqa: F401
    ChangeKind,
    ChangeRequest,
    ChangeStatus,
    Decision,
    DecisionKind,
    ProductionRelease,
)
from .handoff.models import BuildTicket, HandoffTarget  # noqa: F401
from .notifications.models import (  # noqa: F401
    Channel,
    Delivery,
    DeliveryKind,
    Follow,
    Notification,
    Preference,
)
from .risk.models import RiskState, RiskStatusChange  # noqa: F401
from .sessions.models import (  # noqa: F401
    Cadence,
    CalendarFeedToken,
    SessionStatus,
    WorkingSeries,
    WorkingSession,
)
from .threads.models import Comment  # noqa: F401
