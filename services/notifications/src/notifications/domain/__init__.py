"""Tasks of the Meldcode and the rules that create, show and complete them; no I/O."""
