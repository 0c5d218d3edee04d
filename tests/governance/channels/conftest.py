import pytest

from governance.channels import services
from tests import factories
from tests.receivers import Receiver


@pytest.fixture
def receiver():
    server = Receiver().start()
    yield server
    server.stop()


@pytest.fixture
def fast_retries(settings):
    """Back-off of 0.2 s, 0.4 s, 0.8 s …: measurable, and quick."""
    settings.INTEGRATION_RETRY_BASE_SECONDS = 0.2
    settings.INTEGRATION_RETRY_MAX_SECONDS = 5
    settings.INTEGRATION_MAX_ATTEMPTS = 4
    settings.CHANNEL_DISABLE_AFTER = 10
    settings.INTEGRATION_TIMEOUT_SECONDS = 5
    return settings


@pytest.fixture
def draft(users):
    return factories.complete_initiative(sponsor=users["sponsor"])


def make_channel(user, url, *, target="webhook", kinds=("submitted",), **scope):
    return services.create_channel(
        user=user,
        name=f"{target} channel",
        target=target,
        url=url,
        event_kinds=list(kinds),
        **scope,
    )
