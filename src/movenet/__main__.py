"""`python -m movenet ...` runs the command line."""

from movenet.cli.main import main

raise SystemExit(main())
