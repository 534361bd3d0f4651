"""The annual report of international work: the organisation's dialog (dialog.py and its steps), and KS
förvaltning's side: status and "Påminn alla", returning or approving, the compilation."""
