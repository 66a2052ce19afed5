//! A testbed's state directory, what another process needs to act on a
//! running testbed (`testbed cut`, `testbed down`...), and where its
//! hosts keep their files:
//!
//! ```text
//! testbed.state      `id ID`, `hidden PATH` lines, `spec`, then the spec
//! logs/HOST.log      each daemon's output
//! cmds/HOST          its command line (NUL-separated), for `testbed start`
//! HOST/              its work directories (ZooKeeper's data, a master's
//!                    registry, an agent's sandboxes)
//! files/served/      what the file server serves
//! ```

use std::ffi::OsString;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};

use crate::error::{io, Error, Result};
use crate::owners::STATE_FILE;
use crate::spec::Spec;

/// What `testbed.state` holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Saved {
    pub id: String,
    pub hidden: Vec<PathBuf>,
    pub spec: Spec,
}

/// Writes `testbed.state` into `dir`.
pub fn save(dir: &Path, saved: &Saved) -> Result<()> {
    let mut text = format!("id {}\n", saved.id);
    for path in &saved.hidden {
        text += &format!("hidden {}\n", path.display());
    }
    text += "spec\n";
    text += &saved.spec.to_text();
    let path = dir.join(STATE_FILE);
    std::fs::write(&path, text).map_err(|e| io("cannot write", &path, e))
}

/// Reads `testbed.state` from `dir`.
pub fn load(dir: &Path) -> Result<Saved> {
    let path = dir.join(STATE_FILE);
    let text = std::fs::read_to_string(&path).map_err(|e| {
        Error::Invalid(format!(
            "no testbed in {} (cannot read {}: {e}); start one with `testbed up --state {}`",
            dir.display(),
            path.display(),
            dir.display()
        ))
    })?;
    let bad = || Error::Failed(format!("{} is not a testbed state file", path.display()));
    let (head, spec) = text.split_once("\nspec\n").ok_or_else(bad)?;
    let mut lines = head.lines();
    let id = lines
        .next()
        .and_then(|l| l.strip_prefix("id "))
        .ok_or_else(bad)?
        .to_string();
    let hidden = lines
        .map(|l| l.strip_prefix("hidden ").map(PathBuf::from).ok_or_else(bad))
        .collect::<Result<_>>()?;
    Ok(Saved {
        id,
        hidden,
        spec: Spec::parse(spec)?,
    })
}

/// The log of `host`'s daemon (and of what `testbed exec` runs there).
pub fn log(dir: &Path, host: &str) -> PathBuf {
    dir.join("logs").join(format!("{host}.log"))
}

/// Records `host`'s daemon command line.
pub fn save_command(dir: &Path, host: &str, argv: &[OsString]) -> Result<()> {
    let cmds = dir.join("cmds");
    std::fs::create_dir_all(&cmds).map_err(|e| io("cannot create", &cmds, e))?;
    let mut bytes = Vec::new();
    for arg in argv {
        bytes.extend_from_slice(arg.as_bytes());
        bytes.push(0);
    }
    let path = cmds.join(host);
    std::fs::write(&path, bytes).map_err(|e| io("cannot write", &path, e))
}

/// `host`'s daemon command line, if it has a daemon.
pub fn command(dir: &Path, host: &str) -> Option<Vec<OsString>> {
    let bytes = std::fs::read(dir.join("cmds").join(host)).ok()?;
    // Every argument ends with a NUL (an empty one is just the NUL).
    let body = bytes.strip_suffix(&[0])?;
    Some(
        body.split(|b| *b == 0)
            .map(|arg| OsString::from_vec(arg.to_vec()))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_saved_loads_back() {
        let dir = std::env::temp_dir().join(format!("testbed-state-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let saved = Saved {
            id: "12x3".into(),
            hidden: vec!["/work/tree".into(), "/a target".into()],
            spec: Spec {
                nat: vec!["scheduler".into()],
                ..Spec::default()
            },
        };
        save(&dir, &saved).unwrap();
        assert_eq!(load(&dir).unwrap(), saved);
        let argv: Vec<OsString> = vec!["ip".into(), "a b".into(), "".into(), "--x=1".into()];
        save_command(&dir, "agent0", &argv).unwrap();
        assert_eq!(command(&dir, "agent0"), Some(argv));
        assert_eq!(command(&dir, "agent1"), None);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
