"""Organization pages: list and switcher, members, invitations, settings and SSO."""
