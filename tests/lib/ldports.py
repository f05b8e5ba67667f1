"""ldports.py — free loopback ports for the python tests (the web, browser
and service tests), picked as the C harness picks them (th_free_port)."""

import random
import socket

_given = set()


def free_port():
    """A loopback port below the kernel's ephemeral range (32768 and up by
    default): one in that range can be taken as the source port of any
    outgoing connection before the daemon binds it. Never the same twice
    in one run."""
    while True:
        p = random.randrange(20000, 32000)
        if p in _given:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", p))
            except OSError:
                continue
        _given.add(p)
        return p
