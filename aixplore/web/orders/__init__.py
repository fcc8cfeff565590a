"""Order pages: the wizard, my orders, one order live."""
