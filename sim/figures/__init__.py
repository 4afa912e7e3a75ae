"""Figures, drawn with matplotlib, imported only by the commands that draw them."""
