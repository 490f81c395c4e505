import pytest

from tests.audit.helpers import AuditLog


@pytest.fixture
def audit_log(db) -> AuditLog:
    return AuditLog()
