"""Pure resolution: which project a directory belongs to and which environment it wants (DESIGN §3)."""
