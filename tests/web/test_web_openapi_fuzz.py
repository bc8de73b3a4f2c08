"""OpenAPI-driven fuzzing of the JSON API (schemathesis): whatever the parameters, the API
answers with a result or a JSON client error, never a 500. Examples are bounded so that it
stays fast. The app is built over its own small store when the module is collected (the
schema must exist before the tests are generated)."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from webstore import build_store

from kartoteka.web import create_app

_ROOT = Path(tempfile.mkdtemp(prefix="kartoteka-fuzz-"))
atexit.register(shutil.rmtree, _ROOT, True)
_STORE = build_store(_ROOT / "data")
schema = schemathesis.openapi.from_asgi(
    "/api/v1/openapi.json", create_app(_STORE.data_dir, mode="direct")
)


@schema.parametrize()
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_api_never_answers_500(case):
    response = case.call()
    assert response.status_code < 500, (
        case.method,
        case.formatted_path,
        case.query,
        response.status_code,
        response.text[:500],
    )
    if response.status_code >= 400:
        assert response.json()["detail"]
