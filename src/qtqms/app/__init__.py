"""The composition root: the web app, the root command, set-up, dashboard and demo. Nothing imports it."""
