"""Development tools that work in a checkout only (they read tests/ and write docs/)."""
