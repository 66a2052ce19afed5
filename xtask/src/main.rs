//! The project's own commands, run as `cargo xtask <command>`:
//!
//! - `generate`: regenerates `mesos-sys/src/bindings.rs` from the header
//!   (bindgen, through mesos-native-sys's freshness test; needs libclang), then
//!   every file the boundary list (`wrapper/boundary.list`) turns into;
//! - `generate --check`: writes nothing, and fails naming every file the
//!   list would change (what `.ci/run` runs; the bindings have their own
//!   freshness test);
//! - `pictures [--check]`: the guide's pictures (`docs/pictures/`), drawn
//!   by Graphviz from their sources, the driver lifecycle's generated from
//!   `src/driver/mod.rs`.

mod emit;
mod header;
mod kinds;
mod list;
mod pictures;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match words.as_slice() {
        ["generate"] => bindings().and_then(|()| boundary(Mode::Write)),
        ["generate", "--check"] => boundary(Mode::Check),
        ["generate", "--boundary-only"] => boundary(Mode::Write),
        ["pictures"] => pictures::all(&root()).and_then(|files| write(files, Mode::Write)),
        ["pictures", "--check"] => {
            pictures::all(&root()).and_then(|files| write(files, Mode::Check))
        }
        _ => Err(USAGE.to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

const USAGE: &str = "usage: cargo xtask generate [--check | --boundary-only]\n       \
    cargo xtask pictures [--check]\n\
    \n  generate                  regenerate the bindings (needs libclang), then the\n                            code the boundary list turns into\
    \n  generate --check          fail if any file the list turns into is stale\
    \n  generate --boundary-only  regenerate from the list, keeping the bindings\
    \n  pictures                  redraw docs/pictures/ (needs Graphviz)\
    \n  pictures --check          fail if a picture is stale";

#[derive(PartialEq)]
enum Mode {
    Write,
    Check,
}

/// The workspace root (xtask's parent directory).
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

/// Regenerates the bindings: mesos-native-sys's freshness test writes them when
/// asked to, so the committed file and the check share bindgen's settings.
fn bindings() -> Result<(), String> {
    eprintln!("xtask: regenerating mesos-sys/src/bindings.rs from wrapper/mesos_shim.h");
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .current_dir(root())
        .args([
            "test",
            "--quiet",
            "-p",
            "mesos-native-sys",
            "--test",
            "bindings_fresh",
        ])
        .env("MESOS_SYS_UPDATE_BINDINGS", "1")
        .env("MESOS_TEST_REQUIRE", "1")
        .status()
        .map_err(|error| format!("cannot run cargo: {error}"))?;
    if !status.success() {
        return Err(
            "regenerating the bindings failed (they need libclang: Debian's \
                    libclang-dev)"
                .into(),
        );
    }
    Ok(())
}

fn boundary(mode: Mode) -> Result<(), String> {
    let root = root();
    let read = |path: &str| {
        std::fs::read_to_string(root.join(path)).map_err(|error| format!("{path}: {error}"))
    };
    let list = list::parse(&read("wrapper/boundary.list")?).map_err(|error| error.to_string())?;
    let header = header::read(&read("mesos-sys/src/bindings.rs")?)?;
    let files = emit::all(&list, &header)?;
    write(files, mode)
}

/// Writes the files that changed, or (`Check`) fails naming them.
fn write(files: Vec<emit::Generated>, mode: Mode) -> Result<(), String> {
    let root = root();
    let mut stale = Vec::new();
    for file in &files {
        let path = root.join(&file.path);
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        if current == file.text {
            continue;
        }
        match mode {
            Mode::Check => stale.push(file.path.display().to_string()),
            Mode::Write => {
                std::fs::write(&path, &file.text)
                    .map_err(|error| format!("{}: {error}", file.path.display()))?;
                eprintln!("xtask: wrote {}", file.path.display());
            }
        }
    }
    if !stale.is_empty() {
        return Err(format!(
            "generated files are stale: {}. Run `cargo xtask generate` (or `pictures`) and \
             commit the result.",
            stale.join(", ")
        ));
    }
    if mode == Mode::Check {
        eprintln!("xtask: the {} generated files are up to date", files.len());
    }
    Ok(())
}
