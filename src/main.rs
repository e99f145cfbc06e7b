//! The `stepwise` binary: everything lives in the library; this only maps to an exit code.

/// mimalloc: a batch run allocates and frees many small values per log; the system allocator
/// made that a fifth of the run time. Version 2: version 3 reserves and zeroes a large arena
/// at start-up (0.5 ms more per process, which a single `next` pays) and holds more memory.
///
/// Metered: the script sandbox bounds the memory one log's scripts hold (`stepwise::alloc`).
#[global_allocator]
static ALLOCATOR: stepwise::alloc::Metered<mimalloc::MiMalloc> = stepwise::alloc::Metered(mimalloc::MiMalloc);

fn main() -> std::process::ExitCode {
    stepwise::run(std::env::args_os())
}
