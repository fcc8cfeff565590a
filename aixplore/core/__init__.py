"""Settings, database, Redis, crypto, errors and time: the base every layer stands on."""
