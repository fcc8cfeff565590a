"""Real identity providers for the SSO tests, started and stopped by pytest fixtures."""
