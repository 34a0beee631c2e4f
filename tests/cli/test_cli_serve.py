"""`movenet serve` as a command: options, the safe default, and a clear error without the extra."""

import sys

from movenet.cli.main import build_parser, main
from movenet.cli.serve import config_from_args


def test_options_make_the_config():
    args = build_parser().parse_args(["serve", "--port", "0", "--model", "Thunder", "--max-upload-mb", "1.5", "--max-sessions", "2"])
    config = config_from_args(args)
    assert (config.host, config.port, config.model, config.max_sessions) == ("127.0.0.1", 0, "thunder", 2)
    assert config.max_image_bytes == int(1.5 * 1024 * 1024)


def test_without_the_serve_extra_says_how_to_install_it(monkeypatch, capsys):
    for module in ("starlette", "movenet.serve.server", "movenet.serve.app"):
        monkeypatch.setitem(sys.modules, module, None)  # `import` raises ImportError
    assert main(["serve"]) == 2
    assert "pip install -e '.[serve]'" in capsys.readouterr().err
