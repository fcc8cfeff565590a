"""/messages: conversations delivered live."""
