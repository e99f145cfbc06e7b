//! The `stepwise` binary: everything lives in the library; this only maps to an exit code.

/// mimalloc: a batch run allocates and frees many small values per log; the system allocator
/// made that a fifth of the run time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    stepwise::run(std::env::args_os())
}
