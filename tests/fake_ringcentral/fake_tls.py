"""A throwaway CA and a server certificate for 127.0.0.1 / localhost, made
with the `openssl` command (no Python package needed)."""

import os
import ssl
import subprocess

_SERVER_EXT = """basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,DNS:localhost
"""


def _openssl(*args, cwd):
    subprocess.run(("openssl",) + args, cwd=cwd, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _make_ca(directory, name, cn):
    _openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
             "-keyout", name + ".key", "-out", name + ".pem", "-days", "2", "-subj", "/CN=" + cn,
             "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign", cwd=directory)


def make_certificates(directory):
    """Writes ca.pem/ca.key, server.pem/server.key (signed by the CA, SAN
    IP:127.0.0.1 and DNS:localhost) and other-ca.pem (an unrelated CA, for
    tests that a wrong CA fails verification) into `directory`."""
    os.makedirs(directory, exist_ok=True)
    _make_ca(directory, "ca", "rcvault fake RingCentral CA")
    _make_ca(directory, "other-ca", "rcvault unrelated CA")
    with open(os.path.join(directory, "server.ext"), "w") as f:
        f.write(_SERVER_EXT)
    _openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
             "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1", cwd=directory)
    _openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
             "-out", "server.pem", "-days", "2", "-extfile", "server.ext", cwd=directory)
    return os.path.join(directory, "ca.pem")


def server_context(directory):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(os.path.join(directory, "server.pem"), os.path.join(directory, "server.key"))
    return ctx
