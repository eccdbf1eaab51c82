//! The `equity-assess` command. Everything lives in the library half of this crate so the
//! tests can call it; this file only forwards the process arguments.

fn main() -> std::process::ExitCode {
    equity_assess::run(std::env::args_os())
}
