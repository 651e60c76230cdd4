"""The API docs render in the browser under the site's Content Security Policy, from our own static files."""

import pytest

pytestmark = pytest.mark.e2e


def test_the_api_docs_render_every_endpoint_without_a_csp_violation(live_server, page, transactional_db):
    refused = []
    page.on(
        "console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None
    )
    outside = []
    page.on(
        "request", lambda request: outside.append(request.url) if not request.url.startswith(live_server.url) else None
    )

    page.goto(f"{live_server.url}/api/docs")
    page.wait_for_selector(".opblock", timeout=15000)

    assert page.locator(".opblock").count() == 8
    assert refused == []
    assert outside == []
