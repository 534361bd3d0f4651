"""What every dialog shares: the turn context and routing, parsing what officials type, formatting, cards and replies."""
