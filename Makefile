# Convenience targets; CI runs `bash .ci/run` (= scripts/test.sh).
.PHONY: help test lint format bench report

help: ## list the targets
	@grep -E '^[a-z]+:.*##' Makefile | sed 's/:.*## /\t/'

test: ## the whole test suite, Rust and Python (creates .venv)
	bash scripts/test.sh

lint: ## rustfmt check and clippy on every crate and target
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings

format: ## rustfmt
	cargo fmt --all

bench: ## criterion benchmarks (evaluate, settle)
	cargo bench

report: ## the main job: the county report on the demo county
	cargo run --release -- report
