"""Members' social sign-in: "Continue with Google" (OIDC) and "Continue with GitHub"."""
