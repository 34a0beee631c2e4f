"""The `movenet` command line."""
