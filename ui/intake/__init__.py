"""The unified intake form (受理登记): one form for every window, adapting to the window chosen."""
