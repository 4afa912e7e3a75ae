"""The commands of `sim`, grouped by what they are for; sim/cli.py wires them."""
