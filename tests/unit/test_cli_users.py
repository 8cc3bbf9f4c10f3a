"""``reception user …``: passwords read from standard input (never arguments), the acting administrator
signed in first, errors naming the field, exit codes."""

from __future__ import annotations

import io
import json
import sys

import pytest

from reception.cli import main

ADMIN_PW = "Hall-Pass-2026!"
CLERK_PW = "Clerk#Start2026"


@pytest.fixture
def user_cli(db_url, capsys, monkeypatch):
    def run(*args: str, stdin: str = "") -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        code = main(["--db", db_url, "user", *args])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_setup_add_list_and_refusals(user_cli):
    assert user_cli("setup", "admin", "--name", "王管理", stdin=ADMIN_PW + "\n") == (0, "已创建管理员 admin\n", "")
    code, _, err = user_cli("setup", "other", "--name", "李", stdin=ADMIN_PW + "\n")
    assert code == 1 and "首个管理员只能在首次启动时创建" in err

    code, out, _ = user_cli(
        "add", "zhangsan", "--name", "张三", "--role", "clerk", "--as", "admin", stdin=f"{ADMIN_PW}\n{CLERK_PW}\n"
    )
    assert code == 0 and "已创建账户 zhangsan（窗口受理员）" in out
    code, out, _ = user_cli("list", "--as", "admin", "--json", stdin=ADMIN_PW + "\n")
    accounts = {a["username"]: a for a in json.loads(out)}
    assert accounts["zhangsan"]["must_change_password"] is True and accounts["admin"]["role"] == "admin"
    assert "password" not in out.lower().replace("must_change_password", "")

    # a first password is changed before anything else
    code, _, err = user_cli("unlock", "admin", "--as", "zhangsan", stdin=CLERK_PW + "\n")
    assert code == 3 and "请先用 reception user passwd zhangsan 设置新密码" in err
    assert user_cli("passwd", "zhangsan", stdin=f"{CLERK_PW}\nClerk#Own-2026\n")[0] == 0
    # a clerk may not manage accounts: refused at the core
    code, _, err = user_cli("unlock", "admin", "--as", "zhangsan", stdin="Clerk#Own-2026\n")
    assert code == 3 and "窗口受理员无权管理用户账户" in err
    # a wrong administrator password
    code, _, err = user_cli("list", "--as", "admin", stdin="wrong\n")
    assert code == 3 and "用户名或密码错误" in err
    # bad input names the field
    code, _, err = user_cli("add", "X Y", "--name", "", "--role", "boss", "--as", "admin", stdin=f"{ADMIN_PW}\nweak\n")
    assert code == 2
    assert [line.split(":")[0] for line in err.splitlines()] == [
        "username",
        "display_name",
        "role",
        "password",
        "password",
    ]
    code, _, err = user_cli("list", stdin="")
    assert code == 2 and err.startswith("as:")


def test_own_password_and_reset(user_cli):
    user_cli("setup", "admin", "--name", "王管理", stdin=ADMIN_PW + "\n")
    user_cli("add", "zhangsan", "--name", "张三", "--role", "clerk", "--as", "admin", stdin=f"{ADMIN_PW}\n{CLERK_PW}\n")
    assert user_cli("passwd", "zhangsan", stdin=f"{CLERK_PW}\nMy-Own-Pass-26\n")[0] == 0
    _code, out, _ = user_cli("list", "--as", "admin", "--json", stdin=ADMIN_PW + "\n")
    assert next(a for a in json.loads(out) if a["username"] == "zhangsan")["must_change_password"] is False
    assert user_cli("reset", "zhangsan", "--as", "admin", stdin=f"{ADMIN_PW}\nReset-Pass-2026\n")[0] == 0
    assert user_cli("passwd", "zhangsan", stdin="My-Own-Pass-26\nx\n")[0] == 3  # the old one no longer works
    assert (
        user_cli(
            "role", "zhangsan", "--role", "liaison", "--department", "hrss", "--as", "admin", stdin=ADMIN_PW + "\n"
        )[0]
        == 0
    )
    assert user_cli("disable", "zhangsan", "--as", "admin", stdin=ADMIN_PW + "\n")[0] == 0
