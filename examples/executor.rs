//! The reference framework's custom executor as a binary of its own, for
//! `main --executor PATH` and `main --executor-uri URI` (an agent on another
//! machine fetches it), or for any scheduler that launches it. `main` can
//! also be its own executor; see `examples/main.rs`.
//!
//! What it does is in `mesos_reference::executor`.

/// The reference framework's custom executor, as a program of its own: a
/// Mesos agent starts it, with MESOS_* in its environment, for
/// `main --executor PATH`. It takes no arguments.
#[derive(clap::Parser)]
#[command(name = "executor")]
struct Args {}

fn main() {
    env_logger::init();
    let Args {} = clap::Parser::parse();
    std::process::exit(mesos_reference::executor::run());
}
