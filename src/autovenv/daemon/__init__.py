"""The optional daemon: watches project trees and keeps the hooks' cached answers fresh (DESIGN §2).

This package's ``__init__`` imports nothing on purpose: the hot ``export`` path imports ``daemon.visit``
(standard library only, a few syscalls) and must not pay for the daemon itself (watchdog, selectors, …).
"""
