"""Resolve ``localhost`` and every ``*.localhost`` name to loopback in this Python process.

wifkit dev serves vaults at ``https://{vault}.vault.localhost:PORT`` (IF-13). RFC 6761 section
6.3 says such names are loopback, but glibc with ``hosts: files dns`` does not resolve them. Put
this directory first on ``PYTHONPATH`` and Python imports this module at startup (the ``site``
module does so for any ``sitecustomize`` it finds), so ``requests``, ``urllib``, ``httpx``, the
Azure SDK for Python and ``python -m azure.cli`` reach them (PY-14). Every other name goes to the
system resolver unchanged, and no system file is edited.
"""

import socket

_LOOPBACK = {socket.AF_INET: "127.0.0.1", socket.AF_INET6: "::1"}


def _is_localhost(host):
    if isinstance(host, (bytes, bytearray)):
        host = bytes(host).decode("ascii", "replace")
    if not isinstance(host, str):
        return False
    name = host.lower()
    if name.endswith("."):
        name = name[:-1]
    return name == "localhost" or name.endswith(".localhost")


def _install():
    if getattr(socket, "_wifkit_localhost", False):
        return
    system_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):
        if not _is_localhost(host):
            return system_getaddrinfo(host, port, family, type, proto, flags)
        if family == socket.AF_UNSPEC:
            families = [socket.AF_INET, socket.AF_INET6]
        elif family in _LOOPBACK:
            families = [family]
        else:
            raise socket.gaierror(socket.EAI_FAMILY, "address family not supported for localhost")
        answers, error = [], None
        for fam in families:
            # The system builds the tuples for the literal address, so ports given by service
            # name, socket types and flags behave exactly as for any numeric host.
            try:
                answers += system_getaddrinfo(
                    _LOOPBACK[fam], port, fam, type, proto, flags | socket.AI_NUMERICHOST
                )
            except socket.gaierror as e:  # e.g. a host without IPv6 still gets 127.0.0.1
                error = e
        if not answers and error is not None:
            raise error
        return answers

    system_gethostbyname = socket.gethostbyname
    system_gethostbyname_ex = socket.gethostbyname_ex

    def gethostbyname(host):
        return "127.0.0.1" if _is_localhost(host) else system_gethostbyname(host)

    def gethostbyname_ex(host):
        if _is_localhost(host):
            return (host, [], ["127.0.0.1"])
        return system_gethostbyname_ex(host)

    socket.getaddrinfo = getaddrinfo
    socket.gethostbyname = gethostbyname
    socket.gethostbyname_ex = gethostbyname_ex
    socket._wifkit_localhost = True


_install()
