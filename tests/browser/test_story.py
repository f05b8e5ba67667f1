#!/usr/bin/python3
# test_story.py — placeholder until the forms land (see test_attacks.py).
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ldbrowser as lb  # noqa: E402


def test(t, f):
    t.web("P")
    t.user("P", "王敏", "clerk")
    b = t.browser("P", "王敏")
    f.check(b.title.startswith("工作台"), "the province clerk sees 工作台")


if __name__ == "__main__":
    sys.exit(lb.main(test, sys.argv))
