"""Orders: the wizard, quote, payment and the state machine of app generation."""
