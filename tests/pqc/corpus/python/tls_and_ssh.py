import socket
import ssl

import paramiko


def client_context() -> ssl.SSLContext:
    context = ssl.create_default_context()  # expect: protocol:TLS
    context.minimum_version = ssl.TLSVersion.TLSv1_2  # expect: protocol:TLSv1.2
    context.set_ciphers("ECDHE+AESGCM:ECDHE+CHACHA20:!aNULL:!MD5")  # expect: ECDH, AES-GCM, ChaCha20-Poly1305
    return context


def server_context(cert: str, key: str) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)  # expect: protocol:TLS
    context.load_cert_chain(cert, key)
    context.minimum_version = ssl.TLSVersion.TLSv1_3  # expect: protocol:TLSv1.3
    context.set_ecdh_curve("prime256v1")  # expect: ECDH-P-256
    return context


def legacy_device(host: str) -> ssl.SSLSocket:
    context = ssl.SSLContext(ssl.PROTOCOL_TLSv1)  # expect: protocol:TLSv1.0
    return context.wrap_socket(socket.create_connection((host, 443)))


def ssh_client(host: str):
    client = paramiko.SSHClient()  # expect: protocol:SSH
    client.set_missing_host_key_policy(paramiko.RejectPolicy())
    client.connect(host, username="ops", key_filename="~/.ssh/id_ed25519")
    return client


def new_host_keys():
    rsa_key = paramiko.RSAKey.generate(bits=3072)  # expect: RSA-3072
    ecdsa_key = paramiko.ECDSAKey.generate(bits=384)  # expect: ECDSA-P-384
    return rsa_key, ecdsa_key


def load_operator_key(path: str):
    return paramiko.Ed25519Key.from_private_key_file(path)  # expect: Ed25519
