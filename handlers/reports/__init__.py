"""Reports: residents' signals (SAAR) become structured, stored reports with a card in the group."""
