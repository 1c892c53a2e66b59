from tests.web.conftest import client  # noqa: F401  the web tests' TestClient fixture
