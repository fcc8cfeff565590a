"""Organizations, memberships, invitations and single sign-on."""
