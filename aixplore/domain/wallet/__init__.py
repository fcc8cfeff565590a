"""The ECE token wallet: a double-entry ledger whose balances are derived, never stored."""

# Registers the listeners that retire cached statements after transfers, in every process
# that can make one (the app, job workers, the CLI).
from aixplore.domain.wallet import statement as statement
