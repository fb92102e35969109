"""Benchmark: page weight, render time, callback latency, scale and throughput (`make bench`)."""
