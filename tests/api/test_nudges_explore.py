from tests.api.test_nudges_helpers import *  # noqa

def test_r8(user):
    settings(user)
    c = contact(user, "Dana Reyes")
    log(user, c["id"], "email_sent", ago(days=1))
    for n in nudges(user):
        print(n["rule"], n["step"], n["state"], n["due_at"], n["visible"], n["priority"], n["channel"])
        print(n["message"]); print(n["reason"])
