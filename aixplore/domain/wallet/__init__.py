"""The ECE token wallet: a double-entry ledger whose balances are derived, never stored."""
