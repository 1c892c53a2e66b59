import pytest
from fastapi.testclient import TestClient

from qtqms.app.web import create_app


@pytest.fixture
def client(db):
    with TestClient(create_app()) as test_client:
        yield test_client
