"""Team plans: a coach plans a group's week, with sessions done together (``brainfit group``).

``file`` reads and validates the team file, ``solve`` places the shared sessions and plans each
member around them (bounds and gap kept honest), ``run`` is the team request from file to checked
member plans. The files it writes are ``outputs.team``'s.
"""
