"""Township-scale benchmarks (``make bench``) and the synthetic books they use."""
