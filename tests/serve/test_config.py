"""Where the server listens and who may talk to it (no serve extra needed)."""

import pytest

from movenet.errors import InvalidOptionError
from movenet.serve.config import ServeConfig, is_loopback


def test_default_is_this_machine_only():
    config = ServeConfig()
    assert (config.host, config.port) == ("127.0.0.1", 8000)
    assert config.allowed_hosts_with_port(8000) == {"127.0.0.1:8000", "localhost:8000", "[::1]:8000"}
    assert config.allowed_origins(8000) == {"http://127.0.0.1:8000", "http://localhost:8000", "http://[::1]:8000"}
    assert "localhost" in ServeConfig(port=80).allowed_hosts_with_port(80)  # browsers leave out :80


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::", "example.org"])
def test_other_addresses_need_allow_remote(host):
    with pytest.raises(InvalidOptionError, match="--allow-remote"):
        ServeConfig(host=host)


def test_remote_names_are_explicit():
    lan = ServeConfig(host="192.168.1.20", allow_remote=True)
    assert "192.168.1.20:8000" in lan.allowed_hosts_with_port(8000)
    anywhere = ServeConfig(host="0.0.0.0", allow_remote=True, allowed_hosts=("Laptop.local",))
    assert anywhere.allowed_hosts_with_port(8000) == {"127.0.0.1:8000", "localhost:8000", "[::1]:8000", "laptop.local:8000"}
    assert "0.0.0.0:8000" not in anywhere.allowed_hosts_with_port(8000)


def test_limits_are_bounded():
    for field, value in (("max_sessions", 0), ("max_sessions", 1000), ("max_image_bytes", 0), ("port", 70000)):
        with pytest.raises(InvalidOptionError):
            ServeConfig(**{field: value})


def test_loopback():
    assert all(is_loopback(h) for h in ("127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "10.0.0.1", "evil.example", "::"))
