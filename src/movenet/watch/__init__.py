"""`movenet watch`: cameras watched around the clock (config, camera workers, room merging,
zones, health, engines); events go to `movenet.events`, alerts out through `movenet.alerts`."""
