"""Sign-in, first-run set-up, roles, users page, own account, `flask create-user`."""

import os
import re
import sqlite3
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import func, select

from config import TestConfig
from events_app import create_app
from events_app.auth.accounts import authenticate
from events_app.auth.sessions import load_user
from events_app.extensions import db
from events_app.models import AuditEvent, User
from tests.conftest import database_url
from tests.factories import TEST_PASSWORD, Factories
from tests.pages import without_request_specifics

ROOT = Path(__file__).resolve().parent.parent
NEW_PASSWORD = "a much longer new passphrase"
GENERIC_SIGN_IN_ERROR = "Wrong e-mail or password."


# Helpers -------------------------------------------------------------------


def add_user(app, email="someone@example.org", role="viewer", active=True) -> int:
    """Create a user (password TEST_PASSWORD) and return its id."""
    with app.app_context():
        return Factories().user(email=email, role=role, active=active).id


def stored_user(app, email: str) -> User | None:
    """The user as stored now, read in a fresh session (detached, attributes loaded)."""
    with app.app_context():
        return db.session.scalar(select(User).where(User.email == email))


def user_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(User.id)))


def can_sign_in(app, email: str, password: str) -> bool:
    with app.app_context():
        return authenticate(email, password) is not None


def sign_in(client, email: str, password: str = TEST_PASSWORD, **query):
    return client.post(
        "/sign-in",
        query_string=query,
        data={"email": email, "password": password},
    )


def is_signed_in(client) -> bool:
    """The own-account page answers only a signed-in, active user."""
    return client.get("/account").status_code == 200


def new_user_data(**changes) -> dict:
    data = {
        "email": "new.person@example.org",
        "password": NEW_PASSWORD,
        "confirm": NEW_PASSWORD,
        "role": "editor",
    }
    data.update(changes)
    return data


# First run -----------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/", "/meetings", "/meetings/1", "/people", "/sign-in", "/users", "/account"],
)
def test_fresh_install_sends_every_page_to_setup(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"] == "/setup"


def test_setup_page_explains_the_first_admin_account(client):
    response = client.get("/setup")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Create the first admin account" in page
    assert "disappears as soon as the first account exists" in page
    assert 'name="role"' not in page  # the first account is always an admin


def test_setup_creates_the_first_admin_and_signs_them_in(app, client):
    response = client.post(
        "/setup",
        data={
            "email": "  First.Admin@Example.ORG ",
            "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/meetings"

    admin = stored_user(app, "first.admin@example.org")
    assert admin is not None
    assert admin.role == "admin"
    assert admin.active is True
    assert can_sign_in(app, "first.admin@example.org", NEW_PASSWORD)
    assert user_count(app) == 1

    account = client.get("/account")
    assert account.status_code == 200
    assert "first.admin@example.org" in account.get_data(as_text=True)
    assert client.get("/people").headers.get("Location") != "/setup"


def test_setup_is_gone_once_a_user_exists(app, client):
    add_user(app, "admin@example.org", "admin")
    assert client.get("/setup").status_code == 404
    response = client.post(
        "/setup",
        data={
            "email": "intruder@example.org",
            "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
        },
    )
    assert response.status_code == 404
    assert stored_user(app, "intruder@example.org") is None
    assert user_count(app) == 1


@pytest.mark.parametrize(
    ("email", "password", "confirm", "message"),
    [
        ("admin@example.org", "short", "short", "Use at least 10 characters."),
        (
            "admin@example.org",
            NEW_PASSWORD,
            NEW_PASSWORD + "!",
            "The passwords differ.",
        ),
        ("not-an-email", NEW_PASSWORD, NEW_PASSWORD, "Enter a valid e-mail address."),
        (
            "two@@example.org",
            NEW_PASSWORD,
            NEW_PASSWORD,
            "Enter a valid e-mail address.",
        ),
        (
            "a b@example.org",
            NEW_PASSWORD,
            NEW_PASSWORD,
            "Enter a valid e-mail address.",
        ),
        ("", NEW_PASSWORD, NEW_PASSWORD, "This field is required."),
    ],
)
def test_setup_rejects_bad_input(app, client, email, password, confirm, message):
    response = client.post(
        "/setup", data={"email": email, "password": password, "confirm": confirm}
    )
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert user_count(app) == 0
    assert not is_signed_in(client)


# Signing in and out ----------------------------------------------------------


def test_sign_in_page_renders_the_form(app, client):
    add_user(app)
    page = client.get("/sign-in").get_data(as_text=True)
    assert '<form method="post">' in page
    for name in ("email", "password", "remember"):
        assert f'name="{name}"' in page


def test_sign_in_with_the_right_password(app, client):
    add_user(app, "viewer@example.org", "viewer")
    response = sign_in(client, "Viewer@Example.org ")
    assert response.status_code == 302
    assert response.headers["Location"] == "/meetings"
    page = client.get("/account").get_data(as_text=True)
    assert "viewer@example.org" in page
    assert "Viewer" in page


def test_failed_sign_ins_look_the_same_whatever_the_reason(app, client):
    """Unknown address, wrong password and deactivated account: one answer."""
    add_user(app, "known@example.org", "viewer")
    add_user(app, "gone@example.org", "viewer", active=False)

    def failure_page(email: str, password: str) -> str:
        response = sign_in(client, email, password)
        assert response.status_code == 200
        # Without the footer's CSRF token, whose timestamp may tick between pages.
        page = without_request_specifics(response.get_data(as_text=True))
        return page.replace(email, "EMAIL")

    unknown = failure_page("nobody@example.org", TEST_PASSWORD)
    wrong_password = failure_page("known@example.org", "not the password")
    deactivated = failure_page("gone@example.org", TEST_PASSWORD)

    assert GENERIC_SIGN_IN_ERROR in unknown
    assert unknown == wrong_password == deactivated
    assert not is_signed_in(client)


def test_deactivated_user_cannot_sign_in(app, client):
    add_user(app, "gone@example.org", "editor", active=False)
    response = sign_in(client, "gone@example.org")
    assert response.status_code == 200
    assert GENERIC_SIGN_IN_ERROR in response.get_data(as_text=True)
    assert not is_signed_in(client)


def test_deactivation_ends_an_existing_session_at_once(app, client, auth):
    auth.sign_in_as("editor")
    assert is_signed_in(client)

    with client.session_transaction() as session:
        secret = session["_user_id"]
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "editor@example.org"))
        assert load_user(secret) is not None
        user.active = False
        db.session.commit()
        assert load_user(secret) is None

    response = client.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


def test_load_user_ignores_unknown_and_malformed_ids(app):
    add_user(app)
    with app.app_context():
        assert load_user("999") is None
        assert load_user("999:1") is None
        assert load_user("1:2") is None  # the identity format of old releases
        assert load_user("1 OR 1=1") is None
        assert load_user("") is None


def test_sign_out_requires_post(app, client, auth):
    auth.sign_in_as("viewer")
    assert client.get("/sign-out").status_code == 405
    assert is_signed_in(client)

    response = client.post("/sign-out")
    assert response.status_code == 302
    assert response.headers["Location"] == "/meetings"
    assert not is_signed_in(client)


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example",
        "https://evil.example/meetings",
        "//evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
        "javascript:alert(1)",
        "evil.example",
        "",
    ],
)
def test_sign_in_never_redirects_off_site(app, client, target):
    add_user(app, "viewer@example.org", "viewer")
    response = sign_in(client, "viewer@example.org", next=target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/meetings"

    # Already signed in: the sign-in page forwards, with the same rule.
    response = client.get("/sign-in", query_string={"next": target})
    assert response.headers["Location"] == "/meetings"


@pytest.mark.parametrize("target", ["/people", "/meetings?person=3&q=sanctions"])
def test_sign_in_follows_a_local_next(app, client, target):
    add_user(app, "viewer@example.org", "viewer")
    response = sign_in(client, "viewer@example.org", next=target)
    assert response.status_code == 302
    assert response.headers["Location"] == target


def test_protected_page_sends_to_sign_in_and_back(app, client):
    add_user(app, "viewer@example.org", "viewer")
    response = client.get("/account")
    assert response.status_code == 302
    sign_in_url = response.headers["Location"]
    assert sign_in_url.startswith("/sign-in?next=")

    response = client.post(
        sign_in_url, data={"email": "viewer@example.org", "password": TEST_PASSWORD}
    )
    assert response.headers["Location"] == "/account"


# Users page ----------------------------------------------------------------


def test_users_page_sends_anonymous_visitors_to_sign_in(app, client):
    user_id = add_user(app, "admin@example.org", "admin")
    for path in ("/users", f"/users/{user_id}"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/sign-in?next=")
    response = client.post("/users", data=new_user_data())
    assert response.status_code == 302
    assert stored_user(app, "new.person@example.org") is None


@pytest.mark.parametrize("role", ["viewer", "editor"])
def test_users_page_is_for_admins_only(app, client, auth, role):
    admin_id = add_user(app, "admin@example.org", "admin")
    auth.sign_in_as(role)

    assert client.get("/users").status_code == 403
    assert client.post("/users", data=new_user_data()).status_code == 403
    assert client.get(f"/users/{admin_id}").status_code == 403
    response = client.post(f"/users/{admin_id}", data={"role": "viewer"})
    assert response.status_code == 403

    assert stored_user(app, "new.person@example.org") is None
    assert stored_user(app, "admin@example.org").role == "admin"
    assert "Users</a>" not in client.get("/account").get_data(as_text=True)


def test_users_page_lists_users_with_role_status_and_edit_links(app, client, auth):
    gone_id = add_user(app, "gone@example.org", "editor", active=False)
    auth.sign_in_as("admin")
    response = client.get("/users")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "admin@example.org" in page
    assert "gone@example.org" in page
    assert "Deactivated" in page
    assert "Editor" in page
    assert f'href="/users/{gone_id}"' in page
    assert '<select id="role" name="role"' in page


def test_admin_creates_a_user_who_can_then_sign_in(app, client, auth):
    auth.sign_in_as("admin")
    response = client.post(
        "/users",
        data=new_user_data(email="New.Person@Example.org"),
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "User new.person@example.org created as editor." in response.get_data(
        as_text=True
    )
    created = stored_user(app, "new.person@example.org")
    assert created.role == "editor"
    assert created.active is True

    other_client = app.test_client()
    assert (
        sign_in(other_client, "new.person@example.org", NEW_PASSWORD).status_code == 302
    )
    assert is_signed_in(other_client)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"email": "viewer@example.org"}, "already exists"),
        ({"email": "VIEWER@example.org"}, "already exists"),
        ({"role": "superuser"}, "Not a valid choice"),
        ({"password": "short", "confirm": "short"}, "Use at least 10 characters."),
        ({"confirm": "something else entirely"}, "The passwords differ."),
        ({"email": "no-at-sign.example.org"}, "Enter a valid e-mail address."),
    ],
)
def test_create_user_rejects_bad_input(app, client, auth, changes, message):
    add_user(app, "viewer@example.org", "viewer")
    auth.sign_in_as("admin")
    before = user_count(app)
    response = client.post("/users", data=new_user_data(**changes))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert user_count(app) == before
    assert stored_user(app, "viewer@example.org").role == "viewer"


def test_admin_changes_a_role(app, client, auth):
    user_id = add_user(app, "viewer@example.org", "viewer")
    auth.sign_in_as("admin")
    page = client.get(f"/users/{user_id}").get_data(as_text=True)
    assert '<option selected value="viewer">' in page

    response = client.post(f"/users/{user_id}", data={"role": "editor", "active": "y"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/users"
    user = stored_user(app, "viewer@example.org")
    assert (user.role, user.active) == ("editor", True)


def test_admin_rejects_an_unknown_role_on_edit(app, client, auth):
    user_id = add_user(app, "viewer@example.org", "viewer")
    auth.sign_in_as("admin")
    response = client.post(f"/users/{user_id}", data={"role": "owner", "active": "y"})
    assert response.status_code == 200
    assert "Not a valid choice" in response.get_data(as_text=True)
    assert stored_user(app, "viewer@example.org").role == "viewer"


def test_admin_deactivates_a_user_who_is_signed_out_at_once(app, client, auth):
    user_id = add_user(app, "viewer@example.org", "viewer")
    viewer_client = app.test_client()
    sign_in(viewer_client, "viewer@example.org")
    assert is_signed_in(viewer_client)

    auth.sign_in_as("admin")
    response = client.post(f"/users/{user_id}", data={"role": "viewer"})  # unchecked
    assert response.status_code == 302
    assert stored_user(app, "viewer@example.org").active is False
    assert not is_signed_in(viewer_client)
    assert sign_in(viewer_client, "viewer@example.org").status_code == 200


def test_editing_a_missing_user_is_404(app, client, auth):
    auth.sign_in_as("admin")
    assert client.get("/users/999").status_code == 404
    assert client.post("/users/999", data={"role": "viewer"}).status_code == 404


@pytest.mark.parametrize(
    "data",
    [{"role": "editor", "active": "y"}, {"role": "admin"}, {"role": "viewer"}],
    ids=["demote", "deactivate", "both"],
)
def test_the_last_active_admin_cannot_be_removed(app, client, auth, data):
    # A deactivated admin does not count as a remaining admin.
    add_user(app, "dormant.admin@example.org", "admin", active=False)
    auth.sign_in_as("admin")
    admin = stored_user(app, "admin@example.org")

    response = client.post(f"/users/{admin.id}", data=data)
    assert response.status_code == 200
    assert "At least one active admin must remain." in response.get_data(as_text=True)
    admin = stored_user(app, "admin@example.org")
    assert (admin.role, admin.active) == ("admin", True)
    assert is_signed_in(client)


def test_an_admin_can_be_demoted_while_another_remains(app, client, auth):
    other_id = add_user(app, "other.admin@example.org", "admin")
    auth.sign_in_as("admin")
    response = client.post(f"/users/{other_id}", data={"role": "viewer", "active": "y"})
    assert response.status_code == 302
    assert stored_user(app, "other.admin@example.org").role == "viewer"

    # Now the signed-in admin is the last one.
    own_id = stored_user(app, "admin@example.org").id
    response = client.post(f"/users/{own_id}", data={"role": "editor", "active": "y"})
    assert response.status_code == 200
    assert stored_user(app, "admin@example.org").role == "admin"


# Own account ---------------------------------------------------------------


def test_account_page_shows_email_role_and_password_form(client, auth):
    auth.sign_in_as("editor")
    page = client.get("/account").get_data(as_text=True)
    assert "editor@example.org" in page
    assert "<dd>Editor</dd>" in page
    assert 'action="/account/password"' in page
    for name in ("current_password", "new_password", "confirm"):
        assert f'name="{name}"' in page


def test_change_password(app, client, auth):
    auth.sign_in_as("viewer")
    response = client.post(
        "/account/password",
        data={
            "current_password": TEST_PASSWORD,
            "new_password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
        },
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "Your password is changed." in response.get_data(as_text=True)
    assert can_sign_in(app, "viewer@example.org", NEW_PASSWORD)
    assert not can_sign_in(app, "viewer@example.org", TEST_PASSWORD)


@pytest.mark.parametrize(
    ("current", "new", "confirm", "message"),
    [
        (
            "not my password",
            NEW_PASSWORD,
            NEW_PASSWORD,
            "The current password is wrong.",
        ),
        (TEST_PASSWORD, "short", "short", "Use at least 10 characters."),
        (TEST_PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "x", "The passwords differ."),
        ("", NEW_PASSWORD, NEW_PASSWORD, "This field is required."),
    ],
)
def test_change_password_rejects_bad_input(
    app, client, auth, current, new, confirm, message
):
    auth.sign_in_as("viewer")
    response = client.post(
        "/account/password",
        data={"current_password": current, "new_password": new, "confirm": confirm},
    )
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert "Your password is changed." not in response.get_data(as_text=True)
    assert can_sign_in(app, "viewer@example.org", TEST_PASSWORD)
    assert not can_sign_in(app, "viewer@example.org", new)


def test_change_password_needs_a_signed_in_post(app, client, auth):
    add_user(app, "viewer@example.org", "viewer")
    response = client.post(
        "/account/password",
        data={
            "current_password": TEST_PASSWORD,
            "new_password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")
    assert can_sign_in(app, "viewer@example.org", TEST_PASSWORD)

    auth.sign_in_as("viewer")
    assert client.get("/account/password").status_code == 405


# flask create-user -----------------------------------------------------------


def test_cli_creates_a_user(app, runner):
    password = "piped password 1"
    result = runner.invoke(
        args=["create-user", "CLI.Admin@Example.org", "--role", "admin"],
        input=f"{password}\n{password}\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created admin cli.admin@example.org." in result.output
    user = stored_user(app, "cli.admin@example.org")
    assert (user.role, user.active) == ("admin", True)
    assert can_sign_in(app, "cli.admin@example.org", password)


def test_cli_default_role_is_viewer_and_one_line_is_enough(app, runner):
    result = runner.invoke(
        args=["create-user", "reader@example.org"], input="piped password 1\n"
    )
    assert result.exit_code == 0, result.output
    assert stored_user(app, "reader@example.org").role == "viewer"


@pytest.mark.parametrize(
    ("arguments", "stdin", "exit_code", "message"),
    [
        (["new@example.org"], "piped password 1\nother password 2\n", 1, "differ"),
        (["new@example.org"], "short\nshort\n", 1, "Use at least 10 characters."),
        (["new@example.org"], "", 1, "No password on standard input."),
        (["taken@example.org"], "piped password 1\n", 1, "already exists"),
        (["TAKEN@example.org"], "piped password 1\n", 1, "already exists"),
        (["not-an-email"], "piped password 1\n", 1, "Enter a valid e-mail address."),
        (["new@example.org", "--role", "root"], "piped password 1\n", 2, "'root'"),
    ],
    ids=["mismatch", "short", "empty", "duplicate", "duplicate-case", "email", "role"],
)
def test_cli_rejects_bad_input(app, runner, arguments, stdin, exit_code, message):
    add_user(app, "taken@example.org", "viewer")
    result = runner.invoke(args=["create-user", *arguments], input=stdin)
    assert result.exit_code == exit_code
    assert message in result.output
    assert user_count(app) == 1
    assert stored_user(app, "new@example.org") is None


def _has_migrations() -> bool:
    return any((ROOT / "migrations" / "versions").glob("*.py"))


@pytest.mark.skipif(
    not _has_migrations(),
    reason="migrations/versions holds no revision yet, so `flask db upgrade` "
    "cannot create the tables this end-to-end CLI test needs",
)
def test_cli_in_a_real_process_against_a_sqlite_file(tmp_path):
    database = tmp_path / "cli.sqlite"
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("FLASK_", "DATABASE_URL", "TEST_DATABASE_URL"))
    }
    environment.update(DATABASE_URL=f"sqlite:///{database}", SECRET_KEY="cli-test")
    flask = [str(ROOT / ".venv" / "bin" / "flask"), "--app", "events_app"]

    def run(*arguments: str, stdin: str = "") -> subprocess.CompletedProcess:
        return subprocess.run(
            [*flask, *arguments],
            input=stdin,
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=environment,
            timeout=120,
        )

    upgrade = run("db", "upgrade")
    assert upgrade.returncode == 0, upgrade.stderr

    password = "piped password 1"
    created = run(
        "create-user", "ops@example.org", "--role", "admin", stdin=f"{password}\n" * 2
    )
    assert created.returncode == 0, created.stderr
    assert "Created admin ops@example.org." in created.stdout

    again = run("create-user", "ops@example.org", stdin=f"{password}\n")
    assert again.returncode == 1
    assert "already exists" in again.stderr

    with sqlite3.connect(database) as connection:
        rows = connection.execute(
            "SELECT email, role, active FROM user_account"
        ).fetchall()
    assert rows == [("ops@example.org", "admin", 1)]

    file_app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{database}")
    assert can_sign_in(file_app, "ops@example.org", password)
    with file_app.app_context():
        db.engine.dispose()


# CSRF ----------------------------------------------------------------------

CSRF_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@pytest.fixture
def csrf_app(app, database_kind):
    """An application that checks CSRF tokens (TestConfig turns them off).

    It depends on `app` so the PostgreSQL tables are emptied afterwards as usual.
    """
    checked_app = create_app(
        TestConfig,
        SQLALCHEMY_DATABASE_URI=database_url(database_kind),
        WTF_CSRF_ENABLED=True,
    )
    with checked_app.app_context():
        db.create_all()
    yield checked_app
    with checked_app.app_context():
        db.session.remove()
        db.engine.dispose()


def csrf_token_of(page: str) -> str:
    match = CSRF_TOKEN.search(page)
    assert match, "no CSRF token in the page"
    return match.group(1)


def test_sign_in_without_request_specifics_is_rejected(csrf_app):
    add_user(csrf_app, "viewer@example.org", "viewer")
    client = csrf_app.test_client()

    response = sign_in(client, "viewer@example.org")
    assert response.status_code == 400
    assert "CSRF token is missing" in response.get_data(as_text=True)
    assert not is_signed_in(client)

    token = csrf_token_of(client.get("/sign-in").get_data(as_text=True))
    response = client.post(
        "/sign-in",
        data={
            "email": "viewer@example.org",
            "password": TEST_PASSWORD,
            "csrf_token": token,
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/meetings"
    assert is_signed_in(client)


def test_sign_out_and_forms_need_the_csrf_token(csrf_app):
    add_user(csrf_app, "admin@example.org", "admin")
    client = csrf_app.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    sign_in_response = client.post(
        "/sign-in",
        data={
            "email": "admin@example.org",
            "password": TEST_PASSWORD,
            "csrf_token": csrf_token_of(page),
        },
    )
    assert sign_in_response.status_code == 302

    assert client.post("/users", data=new_user_data()).status_code == 400
    assert stored_user(csrf_app, "new.person@example.org") is None
    assert client.post("/sign-out").status_code == 400
    assert is_signed_in(client)

    users_page = client.get("/users").get_data(as_text=True)
    created = client.post(
        "/users", data=new_user_data(csrf_token=csrf_token_of(users_page))
    )
    assert created.status_code == 302
    assert stored_user(csrf_app, "new.person@example.org") is not None

    # The sign-out button in the page header carries its own token.
    account_page = client.get("/account").get_data(as_text=True)
    header = account_page.split("</header>")[0]
    signed_out = client.post("/sign-out", data={"csrf_token": csrf_token_of(header)})
    assert signed_out.status_code == 302
    assert not is_signed_in(client)


def test_password_change_signs_out_other_sessions(app, client, auth):
    auth.sign_in_as("editor")
    other_device = app.test_client()
    other_device.post(
        "/sign-in",
        data={"email": "editor@example.org", "password": "correct horse battery"},
    )
    assert other_device.get("/account").status_code == 200
    response = client.post(
        "/account/password",
        data={
            "current_password": "correct horse battery",
            "new_password": "a brand new passphrase",
            "confirm": "a brand new passphrase",
        },
    )
    assert response.status_code == 302
    assert client.get("/account").status_code == 200
    assert other_device.get("/account").status_code == 302


def test_sign_in_is_rate_limited_per_account(app, client, make):
    make.user(email="viewer@example.org", role="viewer")
    for _ in range(5):
        response = client.post(
            "/sign-in", data={"email": "viewer@example.org", "password": "wrong"}
        )
        assert response.status_code == 200
    blocked = client.post(
        "/sign-in",
        data={"email": "viewer@example.org", "password": "correct horse battery"},
    )
    assert blocked.status_code == 429
    assert "Too many failed sign-ins for this account" in blocked.get_data(as_text=True)
    other = client.post(
        "/sign-in", data={"email": "other@example.org", "password": "wrong"}
    )
    assert other.status_code == 200


def test_sign_in_is_rate_limited_per_address(app, client, make):
    make.user(email="viewer@example.org", role="viewer")
    for number in range(20):
        client.post(
            "/sign-in", data={"email": f"guess{number}@example.org", "password": "x"}
        )
    blocked = client.post(
        "/sign-in",
        data={"email": "viewer@example.org", "password": "correct horse battery"},
    )
    assert blocked.status_code == 429
    assert "from your network address" in blocked.get_data(as_text=True)


def test_sign_ins_and_user_changes_are_audited(app, client, auth, make):
    from events_app.models import AuditEvent

    auth.sign_in_as("admin")
    client.post("/sign-in", data={"email": "nobody@example.org", "password": "x"})
    viewer = make.user(email="viewer@example.org", role="viewer")
    client.post(f"/users/{viewer.id}", data={"role": "editor", "active": "y"})
    client.post("/account/feed")
    client.post("/account/feed/revoke")
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
        actions = [event.action for event in events]
        assert actions[0] == "sign_in"
        assert "user_changed" in actions
        changed = next(event for event in events if event.action == "user_changed")
        assert changed.details == {"role": ["viewer", "editor"]}
        assert changed.actor_email == "admin@example.org"
        assert "feed_token_issued" in actions and "feed_token_revoked" in actions


def audited_name_changes(app) -> list[dict]:
    with app.app_context():
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "user_changed")
        )
        return [event.details for event in events if "display_name" in event.details]


def test_users_change_the_name_others_see(app, client, auth):
    auth.sign_in_as("viewer")
    response = client.post("/account/name", data={"display_name": "  Ana   Lis "})
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "viewer@example.org"))
        assert user.name == "Ana Lis"
    assert audited_name_changes(app) == [{"display_name": ["", "Ana Lis"]}]
    page = client.get("/account").get_data(as_text=True)
    assert 'value="Ana Lis"' in page
    refused = client.post("/account/name", data={"display_name": "x" * 201})
    assert refused.status_code == 422
    assert "200 characters" in refused.get_data(as_text=True)


def test_admins_change_a_users_name(app, client, auth, make):
    viewer = make.user("viewer@example.org", "viewer")
    auth.sign_in_as("admin")
    page = client.get(f"/users/{viewer.id}").get_data(as_text=True)
    assert 'name="display_name"' in page
    response = client.post(
        f"/users/{viewer.id}",
        data={"display_name": "Viktar B.", "role": "viewer", "active": "y"},
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(User, viewer.id).name == "Viktar B."
    assert audited_name_changes(app) == [{"display_name": ["", "Viktar B."]}]


def test_account_page_offers_to_name_your_directory_person(app, client, auth, make):
    person = make.person("Ana Lisitsa")
    auth.sign_in_as("viewer")
    page = client.get("/account").get_data(as_text=True)
    assert 'action="/account/person"' in page
    assert 'name="person_name"' in page and 'data-suggest="/people/suggest"' in page
    assert "No directory person is linked" in page
    assert client.post("/account/person", data={"person": person.id}).status_code == 302
    page = client.get("/account").get_data(as_text=True)
    assert 'value="Ana Lisitsa"' in page
    assert f'href="/people/{person.id}">Ana Lisitsa</a>' in page
    assert client.get("/account").status_code == 200


def test_merging_your_person_keeps_your_account_linked(app, client, auth, make):
    kept = make.person("Ana Lisitsa")
    removed = make.person("Anna Lisitsa")
    auth.sign_in_as("editor")
    linked = client.post("/account/person", data={"person": removed.id})
    assert linked.status_code == 302
    assert client.post(f"/people/{kept.id}/merge/{removed.id}").status_code == 302
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "editor@example.org"))
        assert user.person_id == kept.id
    assert 'value="Ana Lisitsa"' in client.get("/account").get_data(as_text=True)


def test_only_admins_link_other_users_to_a_person(app, client, auth, make):
    admin = make.user("admin@example.org", "admin")
    person = make.person("Ana Lisitsa")
    auth.sign_in_as("editor")
    response = client.post(f"/users/{admin.id}/person", data={"person": person.id})
    assert response.status_code == 403
    with app.app_context():
        assert db.session.get(User, admin.id).person_id is None
    auth.sign_out()
    auth.sign_in_as("admin")
    assert client.post("/users/999999/person", data={}).status_code == 404
