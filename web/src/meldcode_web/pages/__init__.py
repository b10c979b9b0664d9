"""The portal's pages, one router per group of roles: teacher, casework (IB'er, zorgteam), oversight
(samenwerkingsverband coordinator, auditor)."""
