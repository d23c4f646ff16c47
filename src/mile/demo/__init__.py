"""Demo data: the programmes MILE and MIraGE with invented partners, employers and people."""
