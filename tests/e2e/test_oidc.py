"""Signing in through an OpenID Connect provider (oidc-provider-mock on 127.0.0.1) with
Streamlit's st.login: a known email lands in kb as its account, an unknown one is refused."""

from __future__ import annotations

import contextlib
import secrets
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import need
from tests.e2e.server import KbServer
from tests.e2e.ui import Page, alert, expect, new_page, settle

# The provider runs in this process, on Authlib APIs that Authlib deprecates. Authlib's first
# import puts an "always" filter in front of pytest's: import it now, so the filters below win.
with contextlib.suppress(ImportError):
    import authlib.deprecate  # noqa: F401

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore:authlib.jose module is deprecated:DeprecationWarning"),
    pytest.mark.filterwarnings("ignore:The httpx module is deprecated:DeprecationWarning"),
    pytest.mark.filterwarnings("ignore:get_jwt_config.* is deprecated:DeprecationWarning"),
]

KNOWN = "oidc.reviewer@example.org"
UNKNOWN = "stranger@example.org"


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    """An OpenID provider on a free 127.0.0.1 port; its base URL. Its login form takes any
    subject, and that subject is also the identity's email claim."""
    try:
        import oidc_provider_mock
        import werkzeug.serving
    except ImportError:
        need("KB_REQUIRE_BROWSER", "oidc-provider-mock is not installed (pip install -e '.[test]')")
    server = werkzeug.serving.make_server("127.0.0.1", 0, oidc_provider_mock.app(), threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


@pytest.fixture(scope="module")
def oidc_server(
    browser: Any, provider: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[KbServer]:
    """`kb serve --no-demo` with an [auth] section pointing at the provider, and one account."""
    try:
        import authlib  # noqa: F401  (st.login needs it)
    except ImportError:
        need("KB_REQUIRE_BROWSER", "Authlib is not installed (st.login needs it)")
    server = KbServer(root=tmp_path_factory.mktemp("kb-oidc"), demo=False)
    server.write_secrets(
        "[auth]\n"
        f'redirect_uri = "{server.url}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_hex(16)}"\n'
        'client_id = "kb-e2e"\n'
        f'client_secret = "{secrets.token_hex(16)}"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n'
    )
    server.kb("db", "upgrade")
    server.kb("user", "add", KNOWN, "--role", "reviewer", "--name", "OIDC Reviewer")
    try:
        yield server.start()
    finally:
        server.stop()


def _sign_in_as(page: Page, url: str, email: str) -> None:
    """Press the app's Sign in, give the provider's form a subject, come back to the app."""
    page.goto(url)
    expect(page.get_by_text("Sign in with your organisation's account.")).to_be_visible()
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Authorize Client")).to_be_visible()
    page.get_by_placeholder("sub").fill(email)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{url}/**")


def _end_session(page: Page) -> None:
    """st.logout sends the browser to the provider's end-session page, then back to the app."""
    expect(page.get_by_role("heading", name="End Session")).to_be_visible()
    page.get_by_role("button", name="End session").click()
    expect(page.get_by_text("Sign in with your organisation's account.")).to_be_visible()


def test_known_email_signs_in_as_its_kb_account(browser: Any, oidc_server: KbServer) -> None:
    context, page = new_page(browser)
    try:
        _sign_in_as(page, oidc_server.url, KNOWN)
        expect(page.get_by_test_id("stSidebar")).to_contain_text(f"Signed in as {KNOWN} (reviewer)")
        expect(page.get_by_role("heading", name="Review queue", exact=True)).to_be_visible()
        settle(page)
        page.get_by_test_id("stSidebar").get_by_role("button", name="Sign out").click()
        _end_session(page)
        expect(page.get_by_test_id("stSidebar")).to_have_count(0)
    finally:
        context.close()


def test_email_without_a_kb_account_is_refused(browser: Any, oidc_server: KbServer) -> None:
    context, page = new_page(browser)
    try:
        _sign_in_as(page, oidc_server.url, UNKNOWN)
        expect(alert(page, f"{UNKNOWN} has no kb account; ask an admin to add it")).to_be_visible()
        expect(page.get_by_text("Signed in as")).to_have_count(0)
        page.get_by_role("button", name="Sign out").click()
        _end_session(page)
    finally:
        context.close()
