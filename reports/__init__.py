"""Documents Lotsen writes from what is stored: the informationsärende draft to kommunstyrelsen (and, later,
the annual compilation). May import storage/ and policy/, never botbuilder and never dialogs/."""
