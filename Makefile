# The two commands of the README. Both create .venv first when it is missing.
RANKS ?= $(shell nproc 2>/dev/null || echo 1)
OUT ?= results/single-chip-life

.PHONY: run test venv benchmark benchmark-quick lint

run: venv
	.venv/bin/mpiexec -n $(RANKS) .venv/bin/warp run studies/single-chip-life.toml --out $(OUT)
	.venv/bin/warp report $(OUT) --out $(OUT)/report.html

test: venv
	@bash scripts/setup-browser.sh
	@bash scripts/setup-calculix.sh
	.venv/bin/pytest

venv:
	@bash scripts/setup-venv.sh

benchmark: venv
	@bash scripts/setup-calculix.sh
	.venv/bin/python benchmarks/reference_study.py
	.venv/bin/python benchmarks/cycling.py
	.venv/bin/python benchmarks/large_mesh.py
	.venv/bin/python benchmarks/calculix_ratio.py

benchmark-quick: venv
	@bash scripts/setup-calculix.sh
	.venv/bin/python benchmarks/reference_study.py --quick
	.venv/bin/python benchmarks/cycling.py --quick
	.venv/bin/python benchmarks/large_mesh.py --quick
	.venv/bin/python benchmarks/calculix_ratio.py --quick

lint: venv
	.venv/bin/ruff check warp tests benchmarks
