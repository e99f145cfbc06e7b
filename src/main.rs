//! The `stepwise` binary: everything lives in the library; this only maps to an exit code.

fn main() -> std::process::ExitCode {
    stepwise::run(std::env::args_os())
}
