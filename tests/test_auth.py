"""Sign-in: passwords, slowing down and locking out guessing, sessions, roles on the pages."""

from __future__ import annotations

import datetime

import pytest
from streamlit.testing.v1 import AppTest

from analytics.auth import FAILURES_BEFORE_LOCK, LOCK_WINDOW, allowed, require, sign_in
from analytics.errors import NotAllowed
from analytics.users import User, add_user
from tests.conftest import ROOT, demo_loaded

NOW = datetime.datetime(2026, 11, 25, 9, 0)


@pytest.fixture
def accounts(store):
    add_user(store, "alice", "admin", password="correct horse battery", by="t")
    add_user(store, "victor", "viewer", password="viewer password 1", by="t")
    return store


def test_right_and_wrong_passwords_look_the_same_for_unknown_names(accounts):
    assert sign_in(accounts, "alice", "correct horse battery", now=NOW, delay=False) == User("alice", "admin")
    with pytest.raises(NotAllowed, match="wrong name or password") as wrong:
        sign_in(accounts, "alice", "nope", now=NOW, delay=False)
    with pytest.raises(NotAllowed, match="wrong name or password") as unknown:
        sign_in(accounts, "mallory", "nope", now=NOW, delay=False)
    assert str(wrong.value).split("(")[0] == str(unknown.value).split("(")[0]


def test_repeated_failures_lock_the_name_for_a_while(accounts):
    for i in range(FAILURES_BEFORE_LOCK):
        with pytest.raises(NotAllowed):
            sign_in(accounts, "alice", f"guess {i}", now=NOW + datetime.timedelta(seconds=i), delay=False)
    with pytest.raises(NotAllowed, match="locked until"):          # even the right password now
        sign_in(accounts, "alice", "correct horse battery", now=NOW + datetime.timedelta(minutes=1), delay=False)
    later = NOW + LOCK_WINDOW + datetime.timedelta(minutes=1)
    assert sign_in(accounts, "alice", "correct horse battery", now=later, delay=False).role == "admin"


def test_failures_are_slowed_down(accounts):
    import time

    started = time.perf_counter()
    for i in range(3):
        with pytest.raises(NotAllowed):
            sign_in(accounts, "victor", "bad", now=NOW + datetime.timedelta(seconds=i))
    # 0.25 + 0.5 + 1.0 seconds of delay
    assert time.perf_counter() - started >= 1.7


@pytest.mark.parametrize("role, action, ok", [
    ("viewer", "read", True), ("viewer", "upload", False), ("process_owner", "upload", True),
    ("process_owner", "edit_catalogue", False), ("admin", "edit_catalogue", True),
    ("improvement_owner", "set_baseline", True), ("quality", "set_baseline", False),
])
def test_permissions(role, action, ok):
    assert allowed(User("u", role), action) is ok
    if not ok:
        with pytest.raises(NotAllowed, match="may not"):
            require(User("u", role), action)


def _app(path, monkeypatch, **env):
    monkeypatch.setenv("CSI_DB", str(path))
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.query_params["lang"] = "en"
    at.run()
    return at


def _sign_in(at, name, password):
    at.text_input[0].set_value(name)
    at.text_input[1].set_value(password)
    at.button[0].click().run()
    return at


def test_the_dashboard_asks_for_sign_in_and_a_viewer_cannot_upload(accounts, monkeypatch):
    at = _app(accounts.path, monkeypatch, CSI_AUTH="on")
    assert at.title[0].value == "Sign in" and not at.exception
    _sign_in(at, "victor", "wrong")
    assert "wrong name or password" in at.error[0].value
    _sign_in(at, "victor", "viewer password 1")
    assert not at.exception and "Signed in as victor (viewer)" in [c.value for c in at.sidebar.caption][-1]
    at.switch_page("pages/upload.py").run()
    assert any("can read this page but not change anything" in i.value for i in at.info)
    at.switch_page("pages/catalogue.py").run()
    assert any("can read this page but not change anything" in i.value for i in at.info)
    next(b for b in at.sidebar.button if b.label == "Sign out").click().run()
    assert at.title[0].value == "Sign in"


def test_an_empty_sign_in_form_asks_for_the_name_and_counts_no_attempt(accounts, monkeypatch):
    """It said "wrong name or password (4 tries left ...)" and counted a failure against the empty name."""
    at = _app(accounts.path, monkeypatch, CSI_AUTH="on")
    at.radio(key="language_choice").set_value("zh").run()
    _sign_in(at, "", "")
    assert [e.value for e in at.error] == ["请输入用户名和密码"]
    _sign_in(at, "alice", "")
    assert [e.value for e in at.error] == ["请输入用户名和密码"]
    with accounts.read() as con:
        assert con.execute("SELECT count(*) FROM sign_in_attempt").fetchone()[0] == 0
    _sign_in(at, "alice", "wrong")          # the first real failure: 5 - 1 = 4 tries left
    assert [e.value for e in at.error] == ["用户名或密码错误(再错 4 次将锁定 15 分钟)"]


def test_sessions_expire_after_inactivity(accounts, monkeypatch):
    at = _app(accounts.path, monkeypatch, CSI_AUTH="on", CSI_SESSION_MINUTES="1")
    _sign_in(at, "alice", "correct horse battery")
    assert at.title[0].value != "Sign in"
    at.session_state["last_seen"] = at.session_state["last_seen"] - 120
    at.run()
    assert at.title[0].value == "Sign in"
    assert any("signed out after a period of inactivity" in i.value for i in at.info)


def test_demo_mode_shows_the_demo_accounts_and_an_empty_store_explains_the_first_admin(tmp_path, monkeypatch):
    from analytics.demo import load_demo
    from analytics.store import Store

    empty = Store(tmp_path / "empty.duckdb")
    empty.ensure_schema()
    at = _app(empty.path, monkeypatch, CSI_AUTH="on")
    assert any("users add NAME --role admin" in i.value for i in at.info)
    demo = Store(tmp_path / "demo.duckdb")
    summary = load_demo(demo, datetime.date(2026, 11, 25))
    at = _app(demo.path, monkeypatch, CSI_AUTH="on")
    shown = at.table[0].value
    assert len(shown) == len(summary["accounts"]) == 6
    assert "improvement owner" in set(shown["Role"]) and "improvement_owner" not in set(shown["Role"])
    account = summary["accounts"][0]
    _sign_in(at, account["name"], account["password"])
    assert at.title[0].value != "Sign in" and not at.exception
    from analytics.users import update_user

    update_user(demo, summary["accounts"][1]["name"], by="admin", active=False)     # found by exploratory testing:
    at = _app(demo.path, monkeypatch, CSI_AUTH="on")                           # still offered, then refused
    assert list(at.table[0].value["Name"]) == [a["name"] for i, a in enumerate(summary["accounts"]) if i != 1]


def test_a_deactivated_account_s_right_password_is_told_so_and_not_counted(accounts):
    """victor, deactivated, types his right password: he is told the account is deactivated, not
    'wrong password', however often, and is not locked for it. A wrong password for the account is
    answered as for a name nobody has, so the name alone tells nothing."""
    from analytics.localise import message_text
    from analytics.users import update_user

    update_user(accounts, "victor", by="alice", active=False)
    for i in range(FAILURES_BEFORE_LOCK + 1):
        with pytest.raises(NotAllowed) as refused:
            sign_in(accounts, "victor", "viewer password 1", now=NOW + datetime.timedelta(seconds=i), delay=False)
        assert str(refused.value) == "this account is deactivated: ask an admin to activate it"
    assert message_text(str(refused.value), "zh") == "该账户已停用:请联系管理员重新启用"
    with pytest.raises(NotAllowed) as wrong:
        sign_in(accounts, "victor", "nope", now=NOW, delay=False)
    with pytest.raises(NotAllowed) as unknown:
        sign_in(accounts, "mallory", "nope", now=NOW, delay=False)
    assert str(wrong.value) == str(unknown.value) == (
        f"wrong name or password ({FAILURES_BEFORE_LOCK - 1} tries left before a 15-minute lock)")
    update_user(accounts, "victor", by="alice", active=True)
    assert sign_in(accounts, "victor", "viewer password 1", now=NOW, delay=False) == User("victor", "viewer")


def test_a_viewer_is_told_who_may_set_baselines_beside_the_greyed_out_forms(tmp_path, monkeypatch):
    """Found by exploratory testing: a viewer saw the baselines tab's forms greyed out without a word."""
    from analytics.store import Store

    store = Store(tmp_path / "demo.duckdb")
    demo_loaded(store, datetime.date(2026, 11, 25))
    add_user(store, "victor", "viewer", password="viewer password 1", by="t")
    at = _app(store.path, monkeypatch, CSI_AUTH="on")
    at.radio(key="language_choice").set_value("zh").run()
    _sign_in(at, "victor", "viewer password 1")
    at.switch_page("pages/catalogue.py").run()
    assert not at.exception, at.exception
    captions = [c.value for c in at.caption]
    assert "只有管理员、改进负责人可以设定或计算基准与目标;victor(只读用户)在此只能查看。" in captions, captions
    at.radio(key="language_choice").set_value("en").run()
    assert ("Baselines and targets are set or computed by these roles only: admin, improvement owner. victor (viewer) "
            "can read them here.") in [c.value for c in at.caption]



# -- the sign-in cookie (analytics.sessions): a refresh keeps the sign-in ------------------------------

HOUR = datetime.timedelta(hours=1)


def test_a_token_signs_its_account_in_until_it_expires(accounts):
    from analytics.sessions import issue_token, user_for_token

    token = issue_token(accounts, "alice", HOUR, now=NOW)
    assert user_for_token(accounts, token, now=NOW + datetime.timedelta(minutes=59)) == User("alice", "admin")
    assert user_for_token(accounts, token, now=NOW + datetime.timedelta(minutes=61)) is None
    assert issue_token(accounts, "mallory", HOUR, now=NOW) is None           # no such account: no token


@pytest.mark.parametrize("spoil", [
    lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),    # the signature altered
    lambda token: "dmljdG9y" + token[token.index("."):],                        # base64 'victor' with alice's
    lambda token: token.split(".")[0] + ".9999999999." + token.split(".")[2],  # a later expiry, same signature
    lambda token: "", lambda token: "garbage", lambda token: "a.b.c", lambda token: "!!.1.x",
    lambda token: None,
])
def test_a_token_altered_or_malformed_signs_nobody_in(accounts, spoil):
    from analytics.sessions import issue_token, user_for_token

    assert user_for_token(accounts, spoil(issue_token(accounts, "alice", HOUR, now=NOW)), now=NOW) is None


def test_a_new_password_or_a_deactivation_ends_the_accounts_tokens(accounts):
    from analytics.sessions import issue_token, user_for_token
    from analytics.users import update_user

    alice, victor = (issue_token(accounts, name, HOUR, now=NOW) for name in ("alice", "victor"))
    update_user(accounts, "alice", by="t", password="a brand new password")
    assert user_for_token(accounts, alice, now=NOW) is None
    assert user_for_token(accounts, issue_token(accounts, "alice", HOUR, now=NOW), now=NOW) == User("alice", "admin")
    update_user(accounts, "victor", by="alice", active=False)
    assert user_for_token(accounts, victor, now=NOW) is None


def test_a_token_of_another_store_signs_nobody_in(accounts, tmp_path):
    """Each store makes its own secret at its first sign-in: alice of one store is not alice of another."""
    from analytics.sessions import issue_token, user_for_token
    from analytics.store import Store

    other = Store(tmp_path / "other.duckdb")
    add_user(other, "alice", "admin", password="correct horse battery", by="t")
    assert user_for_token(other, issue_token(other, "alice", HOUR, now=NOW), now=NOW) == User("alice", "admin")
    assert user_for_token(other, issue_token(accounts, "alice", HOUR, now=NOW), now=NOW) is None
