"""Evidence in an S3-compatible store, exercised against a real S3 server: moto's server mode
(pure Python, from PyPI, started here on a free loopback port, no network), with the same
django-storages settings the portal reads from EVIDENCE_S3_* (README, "Evidence files").
And the optional ClamAV scan, against a daemon that speaks clamd's INSTREAM protocol."""

import hashlib
import socket
import struct
import threading

import boto3
import pytest
from django.urls import reverse

from audit.models import AuditEvent
from core.errors import FieldRuleError
from governance.compliance import services
from governance.compliance.models import EvidenceFile

from .conftest import PDF_BYTES, pdf

BUCKET = "harmony-evidence"


@pytest.fixture
def s3_server():
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{server._server.server_port}"
    server.stop()


@pytest.fixture
def s3_evidence(settings, s3_server, monkeypatch):
    """STORAGES["evidence"] exactly as settings.py builds it when EVIDENCE_S3_BUCKET is set."""
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_server,
                "region_name": "eu-central-1",
                "access_key": "harmony",
                "secret_key": "harmony-secret",
                "location": "evidence",
                "default_acl": None,
                "querystring_auth": True,
                "file_overwrite": False,
                "addressing_style": "path",
            },
        },
    }
    client = boto3.client(
        "s3",
        endpoint_url=s3_server,
        region_name="eu-central-1",
        aws_access_key_id="harmony",
        aws_secret_access_key="harmony-secret",
    )
    client.create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-central-1"}
    )
    return client


@pytest.mark.django_db
def test_evidence_round_trip_through_s3(
    client, users, high_risk, s3_evidence, django_capture_on_commit_callbacks
):
    evidence = services.upload_evidence(initiative=high_risk, user=users["sponsor"], upload=pdf())
    key = f"evidence/{evidence.file.name}"
    stored = s3_evidence.get_object(Bucket=BUCKET, Key=key)["Body"].read()
    assert stored == PDF_BYTES
    audited = AuditEvent.objects.get(action="evidence.uploaded").changes["after"]["sha256"]
    assert audited == hashlib.sha256(stored).hexdigest() == evidence.sha256

    client.force_login(users["reviewer"])
    download = client.get(reverse("compliance:download", args=[evidence.pk]))
    assert b"".join(download.streaming_content) == PDF_BYTES
    assert download["Content-Disposition"].startswith("attachment;")
    # The page never hands out the store's address.
    assert "127.0.0.1" not in client.get(high_risk.get_absolute_url()).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        services.remove_evidence(evidence=evidence, user=users["sponsor"], reason="Replaced")
    listed = s3_evidence.list_objects_v2(Bucket=BUCKET, Prefix="evidence/").get("Contents", [])
    assert listed == []
    assert EvidenceFile.objects.get(pk=evidence.pk).sha256 == audited


# --- ClamAV ---------------------------------------------------------------------------------------

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


@pytest.fixture
def clamd(settings):
    """A daemon on a loopback port that speaks clamd's INSTREAM protocol (zINSTREAM, 4-byte
    big-endian chunk lengths, a zero-length end) and finds the EICAR test signature, as ClamAV
    does. What the portal sends is parsed for real; the verdict is clamd's wire format."""
    listener = socket.create_server(("127.0.0.1", 0))
    received = []

    def serve():
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with conn:
                command = b""
                while not command.endswith(b"\0"):
                    command += conn.recv(1)
                assert command == b"zINSTREAM\0"
                data = b""
                while True:
                    size = struct.unpack(">I", conn.recv(4, socket.MSG_WAITALL))[0]
                    if size == 0:
                        break
                    data += conn.recv(size, socket.MSG_WAITALL)
                received.append(data)
                verdict = (
                    b"stream: Eicar-Test-Signature FOUND\0" if EICAR in data else b"stream: OK\0"
                )
                conn.sendall(verdict)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    settings.CLAMAV_ADDRESS = f"127.0.0.1:{listener.getsockname()[1]}"
    yield received
    listener.close()


@pytest.mark.django_db
def test_clamav_scans_every_upload(users, high_risk, clamd):
    clean = services.upload_evidence(initiative=high_risk, user=users["sponsor"], upload=pdf())
    assert clean.scan == "clean" and clamd == [PDF_BYTES]
    infected = pdf("infected.txt", body=EICAR)
    with pytest.raises(
        FieldRuleError, match="virus scanner refused the file: Eicar-Test-Signature"
    ):
        services.upload_evidence(initiative=high_risk, user=users["sponsor"], upload=infected)
    assert EvidenceFile.objects.count() == 1


@pytest.mark.django_db
def test_scanner_down_refuses_instead_of_storing_unscanned(settings, users, high_risk):
    with socket.create_server(("127.0.0.1", 0)) as unused:
        port = unused.getsockname()[1]
    settings.CLAMAV_ADDRESS = f"127.0.0.1:{port}"
    with pytest.raises(FieldRuleError, match="did not answer"):
        services.upload_evidence(initiative=high_risk, user=users["sponsor"], upload=pdf())
    assert not EvidenceFile.objects.exists()
